package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.ingest.hj212.Hj212Frame;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;
import org.targetwatch.support.TestServer.Response;

/**
 * HJ 212-2017 through the real server: real TCP to the listener on a free port, real packets (with the CRC of
 * 附录 A), the readings in the real database, the answers read back off the socket; and the same packets over
 * {@code POST /api/v1/hj212}.
 */
class Hj212Test extends ServerTest {
    static final String AIR_MN = "AIR0001ZD";
    static final String AIR_PW = "123456";

    @BeforeAll
    static void register() {
        post(new JsonObject().put("id", "hj-d").put("kind", "district").put("name", "通讯区"));
        // PM sent in ug/m3 (the station says so), the gases in the standard's mg/m3
        post(station("hj-a", AIR_MN, new JsonObject().put("a34004", "ug/m3").put("a34002", "ug/m3")));
        // no units: PM in the standard's default (ng/m3, see config/hj212.json)
        post(station("hj-b", "AIR0002ZD", null));
        // the end of the hour labels the value: DataTime 09:00 is the hour 08:00-09:00
        JsonObject c = station("hj-c", "AIR0003ZD", null);
        c.getJsonObject("settings").getJsonObject("hj212").put("hourLabel", "end");
        post(c);
        post(station("hj-lock", "AIR0004ZD", null));
        post(station(
                "hj-flags", "AIR0005ZD", new JsonObject().put("a34004", "ug/m3").put("a34002", "ug/m3")));
        for (int i = 0; i < 20; i++) {
            post(station(
                    "hj-load-" + i,
                    "LOAD" + i,
                    new JsonObject().put("a34004", "ug/m3").put("a34002", "ug/m3")));
        }
        // the real water packet's station, whose logger sends heavy metals in mg/L
        post(new JsonObject()
                .put("id", "hj-w")
                .put("kind", "water-section")
                .put("name", "通讯断面")
                .put(
                        "settings",
                        new JsonObject()
                                .put("targetClass", "III")
                                .put(
                                        "hj212",
                                        new JsonObject()
                                                .put("mn", "NM100000_0005")
                                                .put("password", "123456")
                                                .put(
                                                        "units",
                                                        new JsonObject()
                                                                .put("w20120", "mg/L")
                                                                .put("w20119", "mg/L")
                                                                .put("w20115", "mg/L")))));
    }

    private static JsonObject station(String id, String mn, JsonObject units) {
        JsonObject hj = new JsonObject().put("mn", mn).put("password", AIR_PW);
        if (units != null) {
            hj.put("units", units);
        }
        return new JsonObject()
                .put("id", id)
                .put("kind", "air-station")
                .put("name", id)
                .put("settings", new JsonObject().put("district", "hj-d").put("hj212", hj));
    }

    private static void post(JsonObject subject) {
        Response r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subject.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /** An hourly packet (CN 2061) of the six pollutants, Flag 5 (answer wanted), with a valid CRC. */
    static String hourly(String qn, String mn, String pw, String dataTime, String pm25, String pm25Flag) {
        String data = "QN=" + qn + ";ST=22;CN=2061;PW=" + pw + ";MN=" + mn + ";Flag=5;CP=&&DataTime=" + dataTime
                + ";a34004-Avg=" + pm25 + ",a34004-Flag=" + pm25Flag + ";a34002-Avg=60,a34002-Flag=N"
                + ";a21026-Avg=0.010,a21026-Flag=N;a21004-Avg=0.030,a21004-Flag=N;a21005-Avg=0.8,a21005-Flag=N"
                + ";a05024-Avg=0.120,a05024-Flag=N;a01001-Avg=21.5,a01001-Flag=N&&";
        return Hj212Frame.encode(data);
    }

    /** A logger's connection: writes bytes, reads answer packets. */
    static final class Logger implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;

        Logger() throws Exception {
            socket = new Socket("127.0.0.1", server.hj212Port());
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        void send(String s) throws Exception {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String answer() throws Exception {
            String line = in.readLine();
            assertThat(line).as("an answer packet").isNotNull();
            Hj212Frame.decode(line.getBytes(StandardCharsets.US_ASCII)); // a valid packet, CRC included
            return line;
        }

        /** No answer within the time given. */
        void noAnswerWithin(int millis) throws Exception {
            socket.setSoTimeout(millis);
            try {
                String line = in.readLine();
                throw new AssertionError("unexpected answer: " + line);
            } catch (SocketTimeoutException expected) {
                // nothing came
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static JsonArray readings(String subject, String indicator) {
        return server.get("/api/v1/readings?subject=" + subject + "&indicator=" + indicator, risk)
                .array("readings");
    }

    @Test
    void anHourlyPacketIsStoredConvertedAndAnsweredWithItsQn() throws Exception {
        try (Logger logger = new Logger()) {
            logger.send(hourly("20230301090000001", AIR_MN, AIR_PW, "20230301080000", "35", "N"));
            String answer = logger.answer();
            assertThat(answer)
                    .startsWith("##")
                    .contains("QN=20230301090000001;ST=91;CN=9014;PW=" + AIR_PW + ";MN=" + AIR_MN + ";Flag=4;CP=&&&&");
        }
        JsonObject pm = readings("hj-a", "PM2_5").getJsonObject(0);
        assertThat(pm.getDouble("value")).isEqualTo(35.0); // ug/m3 as the station says
        assertThat(pm.getString("observedAt")).isEqualTo("2023-03-01T08:00:00+08:00");
        assertThat(pm.getString("source")).isEqualTo("hj212:" + AIR_MN);
        // gases from the standard's mg/m3 into ug/m3, exactly: 0.010 mg/m3 is 10 ug/m3, not 9.999999
        assertThat(readings("hj-a", "SO2").getJsonObject(0).getDouble("value")).isEqualTo(10.0);
        assertThat(readings("hj-a", "O3").getJsonObject(0).getDouble("value")).isEqualTo(120.0);
        assertThat(readings("hj-a", "CO").getJsonObject(0).getDouble("value")).isEqualTo(0.8); // CO is mg/m3
        // a01001 (temperature) is no code of config/hj212.json: ignored, the packet still stored
    }

    @Test
    void theStandardsDefaultUnitAppliesWhenTheStationNamesNone() throws Exception {
        try (Logger logger = new Logger()) {
            logger.send(hourly("20230301100000001", "AIR0002ZD", AIR_PW, "20230301090000", "35000", "N"));
            assertThat(logger.answer()).contains("CN=9014");
        }
        assertThat(readings("hj-b", "PM2_5").getJsonObject(0).getDouble("value"))
                .isEqualTo(35.0);
        assertThat(readings("hj-b", "PM10").getJsonObject(0).getDouble("value")).isEqualTo(0.06);
    }

    @Test
    void anEndOfHourLabelIsMovedToTheStartOfTheHour() throws Exception {
        try (Logger logger = new Logger()) {
            logger.send(hourly("20230301100000002", "AIR0003ZD", AIR_PW, "20230301090000", "35000", "N"));
            assertThat(logger.answer()).contains("CN=9014");
        }
        assertThat(readings("hj-c", "PM2_5").getJsonObject(0).getString("observedAt"))
                .isEqualTo("2023-03-01T08:00:00+08:00");
    }

    @Test
    void packetsSplitAcrossWritesAndSeveralInOneWriteAreEachAnswered() throws Exception {
        String a = hourly("20230302010000001", AIR_MN, AIR_PW, "20230302000000", "40", "N");
        String b = hourly("20230302020000001", AIR_MN, AIR_PW, "20230302010000", "41", "N");
        String c = hourly("20230302030000001", AIR_MN, AIR_PW, "20230302020000", "42", "M");
        try (Logger logger = new Logger()) {
            logger.send(a.substring(0, 17));
            Thread.sleep(100);
            logger.send(a.substring(17, 80));
            Thread.sleep(100);
            logger.send(a.substring(80) + b + c.substring(0, 5));
            Thread.sleep(100);
            logger.send(c.substring(5));
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(logger.answer());
            }
            assertThat(answers)
                    .anyMatch(x -> x.contains("QN=20230302010000001"))
                    .anyMatch(x -> x.contains("QN=20230302020000001"))
                    .anyMatch(x -> x.contains("QN=20230302030000001"));
        }
        JsonArray pm = server.get(
                        "/api/v1/readings?subject=hj-a&indicator=PM2_5&from=2023-03-02T00:00:00%2B08:00"
                                + "&to=2023-03-03T00:00:00%2B08:00",
                        risk)
                .array("readings");
        assertThat(pm).hasSize(3);
        assertThat(pm.getJsonObject(2).getString("flag")).isEqualTo("M"); // maintenance: stored, flagged
        assertThat(pm.getJsonObject(0).getValue("flag")).isNull();
    }

    @Test
    void badPacketsAreDroppedUnansweredAndTheConnectionStaysOpen() throws Exception {
        long before = server.count("readings");
        String good = hourly("20230303010000001", AIR_MN, AIR_PW, "20230303000000", "40", "N");
        String badCrc = good.substring(0, good.length() - 6)
                + (good.charAt(good.length() - 6) == '0' ? "1" : "0")
                + good.substring(good.length() - 5);
        String badLength = "##0181QN=20240606000056000;ST=22;CN=2061;PW=O447JGPYQ75V3C58D138L2WX;"
                + "MN=340100001V008;Flag=5;CP=&&DataTime=20240605230000;a34514-Avg=305.000,a34514-Flag=N;"
                + "a34515-Avg=268.333,a34515-Flag=N&&2340\r\n";
        try (Logger logger = new Logger()) {
            logger.send(badCrc);
            logger.send(badLength);
            logger.send("garbage that is no packet at all\r\n");
            logger.noAnswerWithin(1000);
            assertThat(server.count("readings")).isEqualTo(before);
            // the same connection still works
            logger.send(good);
            assertThat(logger.answer()).contains("QN=20230303010000001");
        }
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).containsPattern("targetwatch_hj212_frames_total\\{result=\"bad_frame\"} [3-9]");
    }

    @Test
    void anUnknownMnOrAWrongPasswordIsRefusedWithTheStandardsCodeAndNothingIsStored() throws Exception {
        long before = server.count("readings");
        try (Logger logger = new Logger()) {
            logger.send(hourly("20230304010000001", "NOSUCHMN", AIR_PW, "20230304000000", "40", "N"));
            assertThat(logger.answer())
                    .contains("QN=20230304010000001")
                    .contains("CN=9011")
                    .contains("QnRtn=4");
            logger.send(hourly("20230304010000002", AIR_MN, "654321", "20230304000000", "40", "N"));
            assertThat(logger.answer())
                    .contains("QN=20230304010000002")
                    .contains("CN=9011")
                    .contains("QnRtn=3");
            // a value out of the indicator's range: the whole packet is refused (QnRtn 2)
            logger.send(hourly("20230304010000003", AIR_MN, AIR_PW, "20230304000000", "99999", "N"));
            assertThat(logger.answer()).contains("CN=9011").contains("QnRtn=2");
            // an unknown data flag likewise
            logger.send(hourly("20230304010000004", AIR_MN, AIR_PW, "20230304000000", "40", "X"));
            assertThat(logger.answer()).contains("CN=9011").contains("QnRtn=2");
        }
        assertThat(server.count("readings")).isEqualTo(before);
        assertThat(server.get("/metrics", null).body())
                .containsPattern("targetwatch_hj212_frames_total\\{result=\"refused\"} [4-9]");
    }

    @Test
    void theAnswerIsSentOnlyAfterTheReadingsAreCommitted() throws Exception {
        // another transaction holds the station's ingest lock: the packet's transaction waits behind it
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbc(server.dbUrl), "postgres", "");
                Logger logger = new Logger()) {
            db.setAutoCommit(false);
            try (PreparedStatement lock = db.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, ReadingStore.SUBJECT_LOCK_NAMESPACE);
                lock.setString(2, "hj-lock");
                lock.execute();
            }
            logger.send(hourly("20230305010000001", "AIR0004ZD", AIR_PW, "20230305000000", "40000", "N"));
            logger.noAnswerWithin(1500);
            assertThat(readings("hj-lock", "PM2_5")).isEmpty();
            db.commit(); // releases the lock
            assertThat(logger.answer()).contains("QN=20230305010000001").contains("CN=9014");
            // the answer came after the commit: the reading is there now
            assertThat(readings("hj-lock", "PM2_5")).hasSize(1);
        }
    }

    @Test
    void everyNotValidFlagOverTcpIsStoredButLeftOutOfTheDay() throws Exception {
        // one day per flag: hours 0-3 at PM2.5 500 with the flag, the other 20 at 70 (N): the day's mean stays 70
        String flags = "FMSDCTB";
        try (Logger logger = new Logger()) {
            for (int f = 0; f < flags.length(); f++) {
                for (int h = 0; h < 24; h++) {
                    String time = String.format("202304%02d%02d0000", f + 1, h);
                    logger.send(hourly(
                            "Q" + time,
                            "AIR0005ZD",
                            AIR_PW,
                            time,
                            h < 4 ? "500" : "70",
                            h < 4 ? String.valueOf(flags.charAt(f)) : "N"));
                }
            }
            for (int i = 0; i < flags.length() * 24; i++) {
                assertThat(logger.answer()).contains("CN=9014");
            }
        }
        for (int f = 0; f < flags.length(); f++) {
            String date = String.format("2023-04-%02d", f + 1);
            JsonObject day = server.get("/api/v1/air/daily?subject=hj-flags&date=" + date, risk)
                    .json();
            assertThat(day.getJsonObject("values").getDouble("PM2_5"))
                    .as("flag %s", flags.charAt(f))
                    .isEqualTo(70.0);
            JsonArray pm = server.get(
                            "/api/v1/readings?subject=hj-flags&indicator=PM2_5&from=" + date + "&to=" + date
                                    + "T23:59:59%2B08:00",
                            risk)
                    .array("readings");
            assertThat(pm.getJsonObject(0).getString("flag")).isEqualTo(String.valueOf(flags.charAt(f)));
            assertThat(pm.getJsonObject(0).getDouble("value")).isEqualTo(500.0);
        }
    }

    @Test
    void manyLoggersOnTheirOwnConnectionsAreAllStoredAndAnswered() throws Exception {
        int loggers = 20;
        int hours = 24;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(loggers);
        try {
            List<java.util.concurrent.Future<Integer>> answered = new ArrayList<>();
            for (int i = 0; i < loggers; i++) {
                int n = i;
                answered.add(pool.submit(() -> {
                    try (Logger logger = new Logger()) {
                        StringBuilder all = new StringBuilder();
                        for (int h = 0; h < hours; h++) {
                            String time = String.format("20230410%02d0000", h);
                            all.append(hourly("L" + n + "-" + h, "LOAD" + n, AIR_PW, time, "35", "N"));
                        }
                        logger.send(all.toString()); // a day at once, as a logger catching up sends it
                        int acks = 0;
                        for (int h = 0; h < hours; h++) {
                            if (logger.answer().contains("CN=9014")) {
                                acks++;
                            }
                        }
                        return acks;
                    }
                }));
            }
            for (java.util.concurrent.Future<Integer> f : answered) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(hours);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < loggers; i++) {
            assertThat(server.get("/api/v1/readings?subject=hj-load-" + i + "&indicator=SO2", risk)
                            .array("readings"))
                    .hasSize(hours);
        }
        // 480 packets at once on 2 ingest transactions: they were group-committed, several to a transaction
        String metrics = server.get("/metrics", null).body();
        java.util.regex.Matcher max = java.util.regex.Pattern.compile("targetwatch_ingest_group_requests_max ([0-9.]+)")
                .matcher(metrics);
        assertThat(max.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(max.group(1))).isGreaterThan(1.0);
    }

    @Test
    void aResentHourNeverOvertakesItsFirstSending() throws Exception {
        // the same hour three times in a row, as a logger re-sends it: valid, then flagged M, then valid again at 45
        for (int round = 0; round < 5; round++) {
            String time = String.format("202304200%d0000", round);
            String body = hourly("R" + round + "a", AIR_MN, AIR_PW, time, "40", "N")
                    + hourly("R" + round + "b", AIR_MN, AIR_PW, time, "40", "M")
                    + hourly("R" + round + "c", AIR_MN, AIR_PW, time, "45", "N");
            Response r = server.send(
                    HttpRequest.newBuilder(server.uri("/api/v1/hj212"))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(body)),
                    officer);
            assertThat(r.status()).isEqualTo(200);
            JsonArray revisions = server.get(
                            "/api/v1/readings?subject=hj-a&indicator=PM2_5&revisions=all&from=2023-04-20T0" + round
                                    + ":00:00%2B08:00&to=2023-04-20T0" + round + ":59:59%2B08:00",
                            risk)
                    .array("readings");
            assertThat(revisions).hasSize(3);
            assertThat(revisions.getJsonObject(1).getString("flag")).isEqualTo("M");
            JsonObject last = revisions.getJsonObject(2);
            assertThat(last.getInteger("revision")).isEqualTo(3);
            assertThat(last.getDouble("value")).isEqualTo(45.0);
            assertThat(last.getValue("flag")).isNull();
        }
    }

    @Test
    void realTimeMinuteAndDailyPacketsAreCountedAndAnsweredNotStored() throws Exception {
        long before = server.count("readings");
        try (Logger logger = new Logger()) {
            for (String cn : new String[] {"2011", "2051", "2031"}) {
                logger.send(Hj212Frame.encode("QN=2023030601000" + cn + ";ST=22;CN=" + cn + ";PW=" + AIR_PW + ";MN="
                        + AIR_MN + ";Flag=5;CP=&&DataTime=20230306000000;a34004-Rtd=35,a34004-Avg=35&&"));
                assertThat(logger.answer()).contains("QN=2023030601000" + cn).contains("CN=9014");
            }
        }
        assertThat(server.count("readings")).isEqualTo(before);
    }

    @Test
    void theRealWaterPacketIsStoredWithTheStationsUnits() throws Exception {
        try (Logger logger = new Logger()) {
            logger.send(org.targetwatch.ingest.hj212.Hj212FrameTest.WATER + "\r\n");
            assertThat(logger.answer()).contains("QN=20201030000000437").contains("CN=9014");
        }
        assertThat(readings("hj-w", "WATER_NH3N").getJsonObject(0).getDouble("value"))
                .isEqualTo(0.16);
        assertThat(readings("hj-w", "WATER_PH").getJsonObject(0).getDouble("value"))
                .isEqualTo(7.64);
        // lead in mg/L as the station says: 0.00011 mg/L
        assertThat(readings("hj-w", "WATER_PB").getJsonObject(0).getDouble("value"))
                .isEqualTo(0.00011);
        // copper in the code's default mg/L
        assertThat(readings("hj-w", "WATER_CU").getJsonObject(0).getDouble("value"))
                .isEqualTo(0.00005);
        assertThat(readings("hj-w", "WATER_PH").getJsonObject(0).getString("observedAt"))
                .isEqualTo("2020-11-29T21:00:00+08:00");
    }

    @Test
    void packetsOverHttpGetAnOutcomeAndAnAnswerPerLine() throws Exception {
        String good = hourly("20230307010000001", AIR_MN, AIR_PW, "20230307000000", "40", "N");
        String unknown = hourly("20230307010000002", "NOSUCHMN", AIR_PW, "20230307000000", "40", "N");
        String body = good + "\r\n" + "##0000broken\n" + unknown;
        Response r = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/hj212"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                officer);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonArray packets = r.json().getJsonArray("packets");
        assertThat(packets).hasSize(3);
        assertThat(packets.getJsonObject(0).getString("result")).isEqualTo("stored");
        assertThat(packets.getJsonObject(0).getInteger("line")).isEqualTo(1);
        assertThat(packets.getJsonObject(0).getString("answer")).contains("CN=9014");
        assertThat(packets.getJsonObject(1).getString("result")).isEqualTo("bad_frame");
        assertThat(packets.getJsonObject(1).getInteger("line")).isEqualTo(3); // the blank line 2 is counted
        assertThat(packets.getJsonObject(1).getValue("answer")).isNull();
        assertThat(packets.getJsonObject(2).getString("result")).isEqualTo("refused");
        assertThat(packets.getJsonObject(2).getString("answer")).contains("QnRtn=4");
        assertThat(r.json().getJsonObject("results").getInteger("stored")).isEqualTo(1);

        // other types are 415, an empty body 400, and only officers may post
        Response json = server.post("/api/v1/hj212", officer, "{}");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.json().getString("message")).contains("text/plain");
        Response empty = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/hj212"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("\r\n\r\n")),
                officer);
        assertThat(empty.status()).isEqualTo(400);
        Response forbidden = server.send(
                HttpRequest.newBuilder(server.uri("/api/v1/hj212"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(good)),
                risk);
        assertThat(forbidden.status()).isEqualTo(403);
    }

    @Test
    void aSecondSubjectWithTheSameMnOrABadSettingIsRefused() {
        long before = server.count("subjects");
        Response twice = server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                station("hj-dup", AIR_MN, null).encode());
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().getString("message")).contains("subjects_hj212_mn");
        JsonObject bad = station("hj-bad", "AIR0099ZD", new JsonObject().put("a34004", "furlongs"));
        Response r = server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, bad.encode());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().getString("field")).isEqualTo("settings.hj212");
        assertThat(r.json().getString("message")).contains("ug/m3");
        JsonObject noMn = station("hj-bad", "has;semicolon", null);
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, noMn.encode())
                        .status())
                .isEqualTo(422);
        assertThat(server.count("subjects")).isEqualTo(before);
    }
}
