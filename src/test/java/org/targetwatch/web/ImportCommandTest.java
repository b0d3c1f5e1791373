package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.Main;
import org.targetwatch.ingest.hj212.Hj212Frame;
import org.targetwatch.support.TestServer;

/**
 * {@code targetwatch import FILE}: the launcher's command line against the real server over real HTTP, uploading
 * an HJ 212 packet log (as a data logger's forwarder records it) and a wide CSV, and refusing what it must.
 */
class ImportCommandTest {
    private static final String MN = "CLI0001ZD";
    private static final String PW = "123456";
    private static final DateTimeFormatter DATA_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static TestServer server;
    private static String officer;

    @BeforeAll
    static void start() {
        server = new TestServer();
        server.clock.set(Instant.parse("2023-06-01T04:00:00Z"));
        assertThat(server.post(
                                "/api/v1/subjects",
                                TestServer.ADMIN_TOKEN,
                                "[{\"id\": \"cli-d\", \"kind\": \"district\", \"name\": \"命令区\"},"
                                        + " {\"id\": \"cli-a\", \"kind\": \"air-station\", \"name\": \"命令站\","
                                        + " \"settings\": {\"district\": \"cli-d\", \"hj212\": {\"mn\": \"" + MN
                                        + "\", \"password\": \"" + PW + "\", \"hourLabel\": \"end\","
                                        + " \"units\": {\"a34004\": \"ug/m3\", \"a34002\": \"ug/m3\"}}}},"
                                        + " {\"id\": \"cli-w\", \"kind\": \"air-station\", \"name\": \"宽表站\","
                                        + " \"settings\": {\"district\": \"cli-d\"}}]")
                        .status())
                .isEqualTo(201);
        officer = server.token("officer");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** What one run of the launcher printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** An hourly packet (CN 2061) of the six pollutants of config/hj212.json, answer wanted, with its CRC. */
    static String hourly(String mn, String pw, LocalDateTime at, String pm25, String flag) {
        return Hj212Frame.encode("QN=" + at.format(DATA_TIME) + "001;ST=22;CN=2061;PW=" + pw + ";MN=" + mn
                        + ";Flag=5;CP=&&DataTime=" + at.format(DATA_TIME) + ";a34004-Avg=" + pm25 + ",a34004-Flag="
                        + flag + ";a34002-Avg=60,a34002-Flag=N;a21026-Avg=0.010,a21026-Flag=N;a21004-Avg=0.030,"
                        + "a21004-Flag=N;a21005-Avg=0.8,a21005-Flag=N;a05024-Avg=0.120,a05024-Flag=N&&")
                .strip();
    }

    @Test
    void aLoggersPacketLogImportsThroughTheCommandLine(@TempDir Path dir) throws Exception {
        // a day of hourly packets as a forwarder logs them: a time stamp before each, every packet sent twice (the
        // logger re-sends what was not answered), a blank line, and the kinds of line a real log holds besides
        List<String> lines = new ArrayList<>();
        LocalDateTime day = LocalDateTime.of(2023, 3, 1, 1, 0);
        for (int h = 0; h < 24; h++) {
            LocalDateTime at = day.plusHours(h); // labelled by the end of the hour: 01:00 is 00:00-01:00
            String packet = hourly(MN, PW, at, h == 10 ? "120" : "30", h == 5 ? "M" : "N");
            lines.add("2023-03-01 " + at.toLocalTime() + ":01 recv " + packet);
            lines.add(packet);
        }
        lines.add("");
        String realTime = Hj212Frame.encode("QN=20230302000000001;ST=22;CN=2011;PW=" + PW + ";MN=" + MN
                        + ";Flag=5;CP=&&DataTime=20230302000000;a34004-Rtd=35,a34004-Flag=N&&")
                .strip();
        lines.add(realTime); // line 49: valid, nothing stored
        String good = hourly(MN, PW, day.plusDays(1), "31", "N");
        lines.add(good.substring(0, good.length() - 4) + "0000"); // line 50: bad CRC
        lines.add(hourly("NOSUCHMN", PW, day.plusDays(1), "31", "N")); // 51: unknown MN
        lines.add(hourly(MN, "654321", day.plusDays(1), "31", "N")); // 52: wrong PW
        lines.add(hourly(MN, PW, day.plusHours(3), "99", "N")); // 53: the hour of line 6 with another value
        lines.add("logger restarted"); // 54: no packet
        Path log = dir.resolve("CLI0001ZD-2023-03.hj212");
        Files.write(log, lines, StandardCharsets.US_ASCII);
        Path errors = dir.resolve("refused.csv");
        long before = server.count("readings");

        Run r = run(
                "import",
                log.toString(),
                "--server",
                server.uri("/").toString(),
                "--token",
                officer,
                "--errors",
                errors.toString(),
                "--poll-millis",
                "100");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3); // done, with refused rows
        assertThat(r.out())
                .contains("已上传 CLI0001ZD-2023-03.hj212")
                .contains("导入已完成：读取 54 行，读数 144；新存 144，更正 0，未变 0，拒收 5。")
                .contains("拒收 5 行，原因见 " + errors);
        assertThat(r.err()).contains("[##############################] 100%");
        assertThat(server.count("readings") - before).isEqualTo(24 * 6);
        JsonArray pm = server.get(
                        "/api/v1/readings?subject=cli-a&indicator=PM2_5&from=2023-03-01T00:00:00%2B08:00"
                                + "&to=2023-03-02T00:00:00%2B08:00",
                        officer)
                .array("readings");
        assertThat(pm).hasSize(24);
        JsonObject first = pm.getJsonObject(0);
        // moved to the start of its hour (hourLabel end), in µg/m³ as the station sends it
        assertThat(Instant.parse(first.getString("observedAt"))).isEqualTo(Instant.parse("2023-02-28T16:00:00Z"));
        assertThat(first.getDouble("value")).isEqualTo(30.0);
        assertThat(first.getString("source")).isEqualTo("hj212:" + MN);
        assertThat(pm.getJsonObject(5).getString("flag")).isEqualTo("M");
        assertThat(pm.getJsonObject(10).getDouble("value")).isEqualTo(120.0);
        JsonObject job = server.get("/api/v1/imports", officer).array("imports").getJsonObject(0);
        assertThat(job.getLong("skipped")).isEqualTo(1);
        assertThat(job.getString("fileName")).isEqualTo("CLI0001ZD-2023-03.hj212");

        List<String> refused = Files.readAllLines(errors, StandardCharsets.UTF_8);
        assertThat(refused.get(0)).isEqualTo("\uFEFFrow,field,reason");
        assertThat(refused.subList(1, refused.size()))
                .hasSize(5)
                .anySatisfy(l -> assertThat(l).startsWith("50,frame,").containsIgnoringCase("CRC"))
                .anySatisfy(l -> assertThat(l).startsWith("51,MN,").contains("NOSUCHMN"))
                .anySatisfy(l -> assertThat(l).startsWith("52,PW,").contains("cli-a"))
                .anySatisfy(l -> assertThat(l).startsWith("53,PM2_5,\"conflicts with line 6:"))
                .anySatisfy(l -> assertThat(l).startsWith("54,frame,no HJ 212 packet"));

        // the same log again: every reading a repeat
        Run again = run("import", log.toString(), "--server", server.uri("/").toString(), "--token", officer);
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.out()).contains("新存 0，更正 0，未变 144，拒收 5。");
        assertThat(server.count("readings") - before).isEqualTo(24 * 6);
    }

    @Test
    void aWideCsvWithAMappingFileImportsInEnglishToo(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("监测时间,细颗粒物浓度\r\n");
        for (int h = 0; h < 24; h++) {
            csv.append(String.format("2023-04-01 %02d:00,%d\r\n", h, 20 + h));
        }
        Path file = dir.resolve("宽表.csv");
        Files.write(file, csv.toString().getBytes("GBK"));
        Path mapping = dir.resolve("mapping.json");
        Files.writeString(mapping, "{\"细颗粒物浓度\": \"PM2_5\", \"监测时间\": \"observedAt\"}");

        Run r = run(
                "import",
                file.toString(),
                "--server",
                server.uri("/").toString(),
                "--token",
                officer,
                "--mapping",
                mapping.toString(),
                "--subject",
                "cli-w",
                "--lang",
                "en");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("import done: 24 rows read, 24 readings; 24 stored, 0 corrections");
        JsonArray pm = server.get("/api/v1/readings?subject=cli-w&indicator=PM2_5", officer)
                .array("readings");
        assertThat(pm).hasSize(24);
        assertThat(pm.getJsonObject(23).getDouble("value")).isEqualTo(43.0);
        assertThat(server.get("/api/v1/imports", officer)
                        .array("imports")
                        .getJsonObject(0)
                        .getString("fileName"))
                .isEqualTo("宽表.csv");
    }

    @Test
    void whatCannotBeImportedIsRefusedWithAReasonAndNothingIsStored(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("a.csv");
        Files.writeString(
                csv, "indicator,subject,observedAt,value,unit\r\nPM2_5,cli-w,2023-05-01T00:00:00+08:00,1,ug/m3\r\n");
        String url = server.uri("/").toString();
        long imports = server.count("imports");
        long readings = server.count("readings");

        Run noToken = run("import", csv.toString(), "--server", url);
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("缺少令牌").contains("TARGETWATCH_TOKEN");

        Run noFile = run("import", dir.resolve("missing.csv").toString(), "--server", url, "--token", officer);
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("文件不存在或不可读").contains("missing.csv");

        Path odd = dir.resolve("readings.dat");
        Files.writeString(odd, "x");
        Run unknownType = run("import", odd.toString(), "--server", url, "--token", officer);
        assertThat(unknownType.code()).isEqualTo(2);
        assertThat(unknownType.err()).contains("--type csv|xlsx|xls|hj212");

        Run badMapping = run("import", csv.toString(), "--server", url, "--token", officer, "--mapping", "{oops");
        assertThat(badMapping.code()).isEqualTo(2);
        assertThat(badMapping.err()).contains("--mapping");

        Run wrongRole = run("import", csv.toString(), "--server", url, "--token", server.token("risk-office"));
        assertThat(wrongRole.code()).isEqualTo(4);
        assertThat(wrongRole.err()).contains("HTTP 403").contains("未导入任何数据");

        Run badLabel = run("import", csv.toString(), "--server", url, "--token", officer, "--hour-label", "middle");
        assertThat(badLabel.code()).isEqualTo(4);
        assertThat(badLabel.err()).contains("HTTP 400").contains("hourLabel");

        Run noServer = run("import", csv.toString(), "--server", "http://127.0.0.1:1", "--token", officer);
        assertThat(noServer.code()).isEqualTo(1);
        assertThat(noServer.err()).contains("无法连接服务器");

        assertThat(server.count("imports")).isEqualTo(imports);
        assertThat(server.count("readings")).isEqualTo(readings);
    }

    @Test
    void helpAndVersionAnswerWithoutStartingAServer() {
        Run help = run("import", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("--server")
                .contains("--token")
                .contains("--mapping")
                .contains("FILE");
        Run top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("import");
        Run unknown = run("nonsense");
        assertThat(unknown.code()).isEqualTo(2);
    }
}
