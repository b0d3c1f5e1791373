package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;
import static org.targetwatch.support.Readings.reading;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.targetwatch.support.ServerTest;
import org.targetwatch.support.TestServer.Response;

/** Readings in, alerts out, through real HTTP, real rules and real PostgreSQL. */
class ReadingsApiTest extends ServerTest {

    @BeforeAll
    static void start() {
        server.register(
                "air-station", "st-24", "st-rep", "st-19", "st-20", "st-75", "st-cor", "st-conc", "st-list", "st-csv");
        server.register("water-section", "sec-a", "sec-b", "sec-r", "sec-list");
        server.register("district", "zengdu-debt", "zengdu-safety", "zengdu-acc", "debt-f", "clock-skew", "zengdu-ms");
    }

    private static Response post(Object body) {
        return server.post("/api/v1/readings", officer, body.toString());
    }

    private static JsonArray alertsOf(String subject) {
        Response r = server.get("/api/v1/alerts?subject=" + subject, risk);
        assertThat(r.status()).isEqualTo(200);
        return r.array("alerts");
    }

    @Test
    void twentyFourHoursAboveGradeTwoOpenExactlyOneAlert() {
        Response r = post(hourlyPm25("st-24", "2023-03-01", 24, 80.0));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().getInteger("accepted")).isEqualTo(24);
        assertThat(r.json().getInteger("stored")).isEqualTo(24);
        JsonArray raised = r.array("alerts");
        assertThat(raised).hasSize(1);
        JsonObject alert = raised.getJsonObject(0);
        assertThat(alert.getString("change")).isEqualTo("opened");
        assertThat(alert.getString("status")).isEqualTo("open");
        assertThat(alert.getString("rule")).isEqualTo("air.daily-mean-over-grade-ii");
        assertThat(alert.getString("category")).isEqualTo("air");
        assertThat(alert.getString("severity")).isEqualTo("warning");
        assertThat(alert.getString("subject")).isEqualTo("st-24");
        assertThat(alert.getString("indicator")).isEqualTo("PM2_5");
        assertThat(alert.getString("period")).isEqualTo("2023-03-01");
        assertThat(alert.getDouble("value")).isEqualTo(80.0);
        assertThat(alert.getJsonObject("threshold").getDouble("value")).isEqualTo(75.0);
        assertThat(alert.getJsonObject("threshold").getString("id")).isEqualTo("GB3095-2012/PM2_5/24h/II");
        assertThat(alert.getString("source")).contains("GB 3095-2012");
        assertThat(alert.getJsonArray("readingIds")).hasSize(24);
        assertThat(alert.getString("rulesetVersion")).hasSize(16);
        assertThat(alert.getInteger("count")).isEqualTo(1);
        assertThat(alert.getString("firstSeen")).endsWith("+08:00");

        assertThat(alertsOf("st-24")).hasSize(1);
        Response one = server.get("/api/v1/alerts/" + alert.getLong("id"), risk);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().getString("fingerprint")).isEqualTo(alert.getString("fingerprint"));
    }

    @Test
    void postingTheSameReadingsAgainChangesNothing() {
        JsonArray day = hourlyPm25("st-rep", "2023-03-02", 24, 80.0);
        assertThat(post(day).status()).isEqualTo(201);
        long readings = server.count("readings");
        JsonObject alertBefore = alertsOf("st-rep").getJsonObject(0);

        Response again = post(day);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().getInteger("accepted")).isEqualTo(24);
        assertThat(again.json().getInteger("stored")).isZero();
        assertThat(again.json().getInteger("unchanged")).isEqualTo(24);
        assertThat(again.array("alerts")).isEmpty();
        assertThat(server.count("readings")).isEqualTo(readings);
        assertThat(alertsOf("st-rep")).singleElement().isEqualTo(alertBefore);
    }

    @Test
    void nineteenHourlyValuesRaiseNoAlert() {
        Response r = post(hourlyPm25("st-19", "2023-03-03", 19, 300.0));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.array("alerts")).isEmpty();
        assertThat(alertsOf("st-19")).isEmpty();
    }

    @Test
    void twentiethHourArrivingLaterCompletesTheDayAndOpensTheAlert() {
        assertThat(post(hourlyPm25("st-20", "2023-03-04", 19, 90.0)).array("alerts"))
                .isEmpty();
        Response r = post(reading("PM2_5", "st-20", "2023-03-04T19:00:00+08:00", 90.0, "ug/m3"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.array("alerts"))
                .singleElement()
                .satisfies(a ->
                        assertThat(((JsonObject) a).getJsonArray("readingIds")).hasSize(20));
    }

    @Test
    void dailyMeanAtTheLimitRaisesNoAlert() {
        assertThat(post(hourlyPm25("st-75", "2023-03-05", 24, 75.0)).array("alerts"))
                .isEmpty();
    }

    @Test
    void correctionIsStoredAsNewRevisionAndReEvaluated() {
        assertThat(post(hourlyPm25("st-cor", "2023-03-06", 24, 80.0)).array("alerts"))
                .hasSize(1);
        JsonObject fix = reading("PM2_5", "st-cor", "2023-03-06T05:00:00+08:00", 104.0, "ug/m3");
        Response r = post(fix);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(1);
        assertThat(r.json().getInteger("corrections")).isEqualTo(1);
        JsonObject updated = r.array("alerts").getJsonObject(0);
        assertThat(updated.getString("change")).isEqualTo("updated");
        assertThat(updated.getInteger("count")).isEqualTo(2);
        assertThat(updated.getDouble("value")).isEqualTo(81.0);
        assertThat(alertsOf("st-cor")).hasSize(1);

        Response latest = server.get("/api/v1/readings?subject=st-cor&indicator=PM2_5", officer);
        assertThat(latest.array("readings")).hasSize(24);
        JsonObject five = latest.array("readings").getJsonObject(5);
        assertThat(five.getDouble("value")).isEqualTo(104.0);
        assertThat(five.getInteger("revision")).isEqualTo(2);
        Response all = server.get("/api/v1/readings?subject=st-cor&revisions=all", officer);
        assertThat(all.array("readings")).hasSize(25);
    }

    /** Concurrent requests for one station and day must not open two alerts (subject lock + unique index). */
    @Test
    void concurrentRequestsForOneSubjectOpenOneAlert() throws Exception {
        JsonArray day = hourlyPm25("st-conc", "2023-03-08", 24, 90.0);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Response>>();
            for (int i = 0; i < 24; i++) {
                JsonObject one = day.getJsonObject(i);
                futures.add(pool.submit(() -> post(one)));
                futures.add(pool.submit(() -> post(one)));
            }
            for (var f : futures) {
                assertThat(f.get().status()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        JsonArray alerts = alertsOf("st-conc");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.getJsonObject(0).getJsonArray("readingIds")).hasSize(24);
        assertThat(alerts.getJsonObject(0).getInteger("count")).isEqualTo(5);
        assertThat(server.get("/api/v1/readings?subject=st-conc&revisions=all", officer)
                        .array("readings"))
                .hasSize(24);
    }

    @Test
    void readingsAreListedByIndicatorSubjectAndTime() {
        post(hourlyPm25("st-list", "2023-03-07", 3, 10.0));
        post(hourlyPm25("st-list", "2023-03-08", 1, 10.0));
        Response r = server.get(
                "/api/v1/readings?subject=st-list&indicator=PM2_5"
                        + "&from=2023-03-07T01:00:00%2B08:00&to=2023-03-07T03:00:00%2B08:00",
                risk);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.array("readings"))
                .extracting(o -> ((JsonObject) o).getString("observedAt"))
                .containsExactly("2023-03-07T01:00:00+08:00", "2023-03-07T02:00:00+08:00");
        assertThat(server.get("/api/v1/readings?subject=st-list&from=2023-03-07", risk)
                        .array("readings"))
                .hasSize(4);
    }

    @Test
    void waterDebtAndSafetyBreachesOpenAlertsOfTheirCategory() {
        Response r = post(new JsonArray()
                .add(reading("WATER_NH3N", "sec-a", "2023-04-01T09:30:00+08:00", 1.2, "mg/L"))
                .add(reading("DEBT_RATIO", "zengdu-debt", "2023-06-30T00:00:00+08:00", 130.0, "%")) // ≥ 120: yellow
                .add(reading("SAFETY_MAJOR_ACCIDENTS", "zengdu-safety", "2023-07-31T00:00:00+08:00", 1, "count"))
                .add(reading("WATER_NH3N", "sec-b", "2023-04-01T09:30:00+08:00", 1.0, "mg/L")));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.array("alerts"))
                .extracting(o -> ((JsonObject) o).getString("category") + ":" + ((JsonObject) o).getString("severity"))
                // sample and month of sec-a; its year has 1 of the 4 samples its plan requires: no annual alert
                .containsExactlyInAnyOrder("water:warning", "water:warning", "debt:major", "safety:critical");
        assertThat(server.get("/api/v1/alerts?category=safety&subject=zengdu-safety", risk)
                        .array("alerts"))
                .singleElement()
                .satisfies(
                        a -> assertThat(((JsonObject) a).getString("subject")).isEqualTo("zengdu-safety"));
        assertThat(alertsOf("sec-b")).isEmpty();
    }

    @Test
    void repeatedBreachOfTheSameSampleDayUpdatesTheOpenAlert() {
        JsonObject first = sampleAlert(post(reading("WATER_NH3N", "sec-r", "2023-04-02T09:00:00+08:00", 1.5, "mg/L")));
        JsonObject second = sampleAlert(post(reading("WATER_NH3N", "sec-r", "2023-04-02T15:00:00+08:00", 1.8, "mg/L")));
        assertThat(second.getLong("id")).isEqualTo(first.getLong("id"));
        assertThat(second.getString("change")).isEqualTo("updated");
        assertThat(second.getInteger("count")).isEqualTo(2);
        assertThat(second.getDouble("value")).isEqualTo(5.0); // 1.8 mg/L is class V
        assertThat(alertsOf("sec-r"))
                .extracting(o -> ((JsonObject) o).getString("period"))
                .containsExactlyInAnyOrder("2023-04-02", "2023-04"); // the year lacks its required samples
    }

    private static JsonObject sampleAlert(Response r) {
        return r.array("alerts").stream()
                .map(o -> (JsonObject) o)
                .filter(a -> a.getString("period").length() == 10)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void observedAtUpToFiveMinutesAheadOfTheServerClockIsAccepted() {
        java.time.Instant now = java.time.Instant.parse("2024-05-01T02:00:00Z");
        server.clock.set(now);
        try {
            Response r = post(
                    reading("DEBT_RATIO", "clock-skew", now.plusSeconds(300).toString(), 50, "%"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        } finally {
            server.clock.reset();
        }
    }

    @Test
    void alertFiltersByStatusAndUnknownAlertIs404() {
        post(reading("DEBT_RATIO", "debt-f", "2023-06-30T00:00:00+08:00", 150.0, "%"));
        assertThat(server.get("/api/v1/alerts?status=open&subject=debt-f", risk).array("alerts"))
                .hasSize(1);
        assertThat(server.get("/api/v1/alerts?status=resolved&subject=debt-f", risk)
                        .array("alerts"))
                .isEmpty();
        Response missing = server.get("/api/v1/alerts/99999999", risk);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().getString("code")).isEqualTo("not_found");
        assertThat(missing.json().getString("field")).isEqualTo("id");
        Response bad = server.get("/api/v1/alerts/abc", risk);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("id");
    }

    @Test
    void targetReportBehindPaceRaisesTargetAlertsWithTheReportPhrase() {
        Response r = post(reading("TARGET_T62", "zengdu-debt", "2023-06-30T00:00:00+08:00", 2000, "count"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.array("alerts"))
                .extracting(o -> ((JsonObject) o).getString("rule"))
                .containsExactlyInAnyOrder("target.behind-pace", "target.at-risk");
        assertThat(r.array("alerts")).allSatisfy(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("category")).isEqualTo("target");
            assertThat(a.getString("source")).contains("新增城镇就业4500人以上");
            assertThat(a.getString("period")).isEqualTo("2023");
        });
        // back on pace: both alerts resolve with the value that cleared them
        Response onPace = post(reading("TARGET_T62", "zengdu-debt", "2023-09-30T00:00:00+08:00", 4000, "count"));
        assertThat(onPace.array("alerts")).hasSize(2).allSatisfy(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("status")).isEqualTo("resolved");
            assertThat(a.getString("resolution")).isEqualTo("auto");
            assertThat(a.getDouble("clearingValue")).isEqualTo(4000.0);
        });
    }

    /** Issue 13 item 16: 「完成…」 milestones through the server, in the alerts and in the targets at a glance. */
    @Test
    void milestonesAreHeldToTheirScheduleAndShownWithTheirDueDate() {
        Response behind = post(reading("TARGET_M02", "zengdu-ms", "2023-07-02T00:00:00+08:00", 30, "%"));
        assertThat(behind.status()).as(behind.body()).isEqualTo(201);
        assertThat(behind.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("rule")).isEqualTo("target.behind-pace");
            assertThat(a.getString("severity")).isEqualTo("info");
            assertThat(a.getString("source")).contains("「完成氵厥水河东岸生态环境提升工程建设」");
        });
        Response pending = post(reading("TARGET_M06", "zengdu-ms", "2023-06-30T00:00:00+08:00", 0, "bool"));
        assertThat(pending.array("alerts")).isEmpty();
        JsonArray rows = server.get("/api/v1/compliance?year=2023", risk).json().getJsonArray("targets");
        java.util.Map<String, JsonObject> mine = new java.util.HashMap<>();
        rows.stream()
                .map(JsonObject.class::cast)
                .filter(o -> o.getString("subject").equals("zengdu-ms"))
                .forEach(o -> mine.put(o.getString("id"), o));
        assertThat(mine.get("M02").getString("status")).isEqualTo("behind-pace");
        assertThat(mine.get("M02").getString("due")).isEqualTo("2023-12-31");
        assertThat(mine.get("M02").getBoolean("milestone")).isTrue();
        assertThat(mine.get("M06").getString("status")).isEqualTo("pending");
        // the 万安生态陵园 part of T69 is listed with its item and the target it belongs to
        JsonObject wanan = server.get("/api/v1/rules", risk).json().getJsonArray("targets").stream()
                .map(JsonObject.class::cast)
                .filter(t -> t.getString("id").equals("M07"))
                .findFirst()
                .orElseThrow();
        assertThat(wanan.getString("item")).isEqualTo("万安生态陵园");
        assertThat(wanan.getString("partOf")).isEqualTo("T69");
        assertThat(wanan.getString("measure")).isEqualTo("share");
        // done by the due date: the behind-schedule alert resolves, nothing is missed
        Response done = post(reading("TARGET_M02", "zengdu-ms", "2023-12-31T00:00:00+08:00", 100, "%"));
        assertThat(done.array("alerts")).singleElement().satisfies(o -> {
            assertThat(((JsonObject) o).getString("rule")).isEqualTo("target.behind-pace");
            assertThat(((JsonObject) o).getString("status")).isEqualTo("resolved");
        });
        Response notDone = post(reading("TARGET_M06", "zengdu-ms", "2023-12-31T00:00:00+08:00", 0, "bool"));
        assertThat(notDone.array("alerts"))
                .extracting(o -> ((JsonObject) o).getString("rule"))
                .containsExactly("target.missed");
    }

    @Test
    void accidentReportedInThreeReadingsIsGradedAsOne() {
        String at = "2023-08-02T14:30:00+08:00";
        Response r = post(new JsonArray()
                .add(reading("SAFETY_ACCIDENT_DEATHS", "zengdu-acc", at, 4, "count"))
                .add(reading("SAFETY_ACCIDENT_SERIOUS_INJURIES", "zengdu-acc", at, 2, "count"))
                .add(reading("SAFETY_ACCIDENT_DIRECT_LOSS", "zengdu-acc", at, 300, "万元")));
        assertThat(r.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("rule")).isEqualTo("safety.accident-grade");
            assertThat(a.getString("severity")).isEqualTo("major");
            assertThat(a.getString("description")).startsWith("较大");
            assertThat(a.getString("period")).isEqualTo(at); // local time, not 2023-08-02T06:30:00Z
            assertThat(a.getJsonArray("readingIds")).hasSize(3);
        });
        // a later report raises the death toll to 10: the same accident becomes 重大 (critical)
        Response worse = post(reading("SAFETY_ACCIDENT_DEATHS", "zengdu-acc", at, 10, "count"));
        assertThat(worse.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("change")).isEqualTo("updated");
            assertThat(a.getString("severity")).isEqualTo("critical");
            assertThat(a.getDouble("value")).isEqualTo(3.0);
        });
    }

    @Test
    void newDebtAboveTheQuotaOfItsYearRaisesAnAlert() {
        assertThat(post(reading("DEBT_NEW_QUOTA", "debt-f", "2023-03-31T00:00:00+08:00", 8.0, "亿元"))
                        .array("alerts"))
                .isEmpty();
        assertThat(post(reading("DEBT_NEW", "debt-f", "2023-06-30T00:00:00+08:00", 7.5, "亿元"))
                        .array("alerts"))
                .isEmpty();
        Response over = post(reading("DEBT_NEW", "debt-f", "2023-09-30T00:00:00+08:00", 8.2, "亿元"));
        assertThat(over.array("alerts")).singleElement().satisfies(o -> {
            JsonObject a = (JsonObject) o;
            assertThat(a.getString("rule")).isEqualTo("debt.new-debt-over-quota");
            assertThat(a.getJsonObject("threshold").getDouble("value")).isEqualTo(8.0);
            assertThat(a.getDouble("value")).isEqualTo(8.2);
        });
    }

    private static Response postCsv(String csv) {
        return server.send(
                java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                        .header("Content-Type", "text/csv; charset=utf-8")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv)),
                officer);
    }

    @Test
    void csvReadingsAreAcceptedLikeJson() {
        StringBuilder csv = new StringBuilder("\uFEFFsubject,indicator,observedAt,value,unit,source\r\n");
        for (int h = 0; h < 24; h++) {
            csv.append(String.format("st-csv,PM2_5,2023-03-09T%02d:00:00+08:00,80,ug/m3,\"站点, 自动\"\r\n", h));
        }
        Response r = postCsv(csv.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getInteger("stored")).isEqualTo(24);
        assertThat(r.array("alerts"))
                .singleElement()
                .satisfies(
                        a -> assertThat(((JsonObject) a).getString("rule")).isEqualTo("air.daily-mean-over-grade-ii"));
        assertThat(server.get("/api/v1/readings?subject=st-csv&limit=1", officer)
                        .array("readings")
                        .getJsonObject(0)
                        .getString("source"))
                .isEqualTo("站点, 自动");
    }

    @Test
    void catalogAndRulesAreListedWithProvenance() {
        Response ind = server.get("/api/v1/indicators", officer);
        assertThat(ind.status()).isEqualTo(200);
        assertThat(ind.array("indicators"))
                .extracting(o -> ((JsonObject) o).getString("code"))
                .contains(
                        "PM2_5",
                        "PM10",
                        "O3",
                        "NO2",
                        "SO2",
                        "CO",
                        "WATER_NH3N",
                        "DEBT_RATIO",
                        "SAFETY_MAJOR_ACCIDENTS");
        JsonObject co = ind.array("indicators").stream()
                .map(o -> (JsonObject) o)
                .filter(o -> o.getString("code").equals("CO"))
                .findFirst()
                .orElseThrow();
        assertThat(co.getString("unit")).isEqualTo("mg/m3");
        assertThat(co.getString("nameZh")).contains("一氧化碳");

        Response rules = server.get("/api/v1/rules", risk);
        assertThat(rules.status()).isEqualTo(200);
        assertThat(rules.array("rules"))
                .extracting(o -> ((JsonObject) o).getString("name"))
                .contains(
                        "air.daily-mean-over-grade-ii",
                        "water.worse-than-target-class",
                        "debt.ratio-over-warning-line",
                        "safety.major-accident-bottom-line");
        assertThat(rules.array("rules")).allSatisfy(o -> {
            JsonObject rule = (JsonObject) o;
            assertThat(rule.getString("source")).isNotBlank();
            assertThat(rule.getString("description")).isNotBlank();
        });
        assertThat(rules.array("thresholds").stream()
                        .map(o -> (JsonObject) o)
                        .filter(t -> t.getString("status").equals("UNCONFIRMED")))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.getBoolean("configurable")).isTrue());
        assertThat(rules.array("targets")).hasSizeGreaterThan(80).anySatisfy(o -> {
            JsonObject t = (JsonObject) o;
            assertThat(t.getString("id")).isEqualTo("T21");
            assertThat(t.getBoolean("checkable")).isFalse();
            assertThat(t.getString("reason")).isNotBlank();
        });
    }
}
