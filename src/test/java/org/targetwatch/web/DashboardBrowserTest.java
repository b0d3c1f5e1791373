package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.targetwatch.support.Browser;
import org.targetwatch.support.TestServer;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, installed by .ci/run) against
 * the real server. Skipped, with a message, where those two binaries are missing. Screenshots go to
 * target/screenshots/. In CI (CI=true) their absence fails the suite instead.
 */
class DashboardBrowserTest {
    private static TestServer server;
    private static WebDriver driver;
    private static long alertId;
    private static Path downloads;

    @BeforeAll
    static void start() throws Exception {
        Browser.require();
        server = new TestServer();
        // a district name that would run script if any template put it into the page unescaped
        server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                "{\"id\": \"db-zd\", \"kind\": \"district\"," + " \"name\": \"<img src=x onerror=window.__xss=2>区\"}");
        server.post(
                "/api/v1/subjects",
                TestServer.ADMIN_TOKEN,
                "{\"id\": \"db-st\", \"kind\": \"air-station\","
                        + " \"name\": \"东城站\", \"settings\": {\"district\": \"db-zd\"}}");
        alertId = server.post(
                        "/api/v1/readings",
                        server.token("officer"),
                        hourlyPm25("db-st", "2023-03-01", 24, 80).encode())
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        downloads = Files.createTempDirectory("downloads");
        driver = Browser.start(downloads);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void signOut() {
        driver.get(server.uri("/").toString());
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("sessionStorage.clear(); location.hash='';");
        driver.navigate().refresh();
    }

    private WebElement await(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static By testId(String id) {
        return Browser.testId(id);
    }

    private void signIn(String role) {
        await(testId("token")).sendKeys(server.token(role));
        driver.findElement(testId("login")).click();
        await(By.id("nav"));
    }

    /** Clicks the button {@code testId}, waits for the browser's download {@code name} and returns its lines. */
    private static List<String> downloadLines(String testId, String name) throws Exception {
        Path file = downloads.resolve(name);
        Files.deleteIfExists(file);
        driver.findElement(testId(testId)).click();
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> Files.exists(file) && file.toFile().length() > 0);
        List<String> lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        Files.delete(file);
        return lines;
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path dir = Path.of("target/screenshots");
        Files.createDirectories(dir);
        Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void riskOfficeSeesTheAlertAndAcknowledgesItWithAComment() throws Exception {
        signIn("risk-office");
        await(testId("alerts-table"));
        // values read in Chinese, the code kept for machines: status, category, severity, the subject by name
        WebElement status = driver.findElement(testId("alert-status-" + alertId));
        assertThat(status.getText()).isEqualTo("未处理");
        assertThat(status.getDomAttribute("data-status")).isEqualTo("open");
        WebElement row = driver.findElement(testId("alert-row-" + alertId));
        assertThat(row.getText())
                .contains("24小时平均浓度超过二级浓度限值")
                .contains("空气质量")
                .contains("警告")
                .contains("东城站")
                .doesNotContain("warning");
        assertThat(row.findElement(By.cssSelector("span[title='db-st']")).getText())
                .isEqualTo("东城站");
        // the rule by its Chinese title, its id on hover
        assertThat(row.findElement(By.cssSelector("span[title='air.daily-mean-over-grade-ii']"))
                        .getText())
                .isEqualTo("24小时平均浓度超过二级浓度限值");
        assertThat(driver.findElement(testId("ack-" + alertId)).getText())
                .as("the acknowledge button and the confirmed verdict never read the same")
                .isEqualTo("认领");
        driver.findElement(testId("comment-" + alertId)).sendKeys("已通知站点核查");
        driver.findElement(testId("ack-" + alertId)).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("alert-status-" + alertId))
                        .getText()
                        .equals("处理中"));
        screenshot("alerts-board");
        assertThat(server.get("/api/v1/alerts/" + alertId + "/history", server.token("risk-office"))
                        .array("history")
                        .getJsonObject(1)
                        .getString("comment"))
                .isEqualTo("已通知站点核查");
    }

    @Test
    void supervisorFollowsTheAlertToTheRuleHitThresholdAndReadings() throws Exception {
        signIn("supervisor");
        await(testId("alert-link-" + alertId)).click();
        await(testId("alert-title"));
        assertThat(driver.findElement(testId("alert-threshold")).getText()).contains("GB3095-2012/PM2_5/24h/II");
        WebElement hit = await(By.cssSelector("[data-testid^='hit-link-']"));
        hit.click();
        await(testId("hit-title"));
        assertThat(driver.findElement(testId("hit-threshold")).getText())
                .contains("GB3095-2012/PM2_5/24h/II")
                .contains("75");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("[data-testid='hit-readings'] tr"))
                                .size()
                        == 24);
        assertThat(driver.findElement(testId("hit-facts")).getText())
                .contains("DailyStat")
                .contains("\"mean\": 80");
        screenshot("rule-hit");
    }

    @Test
    void indicatorPageDrawsTheReadingsWithTheThresholdLine() throws Exception {
        signIn("risk-office");
        driver.get(server.uri("/#/indicator?subject=db-st&indicator=PM2_5&range=day&date=2023-03-01")
                .toString());
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> "true".equals(d.findElement(testId("chart")).getDomAttribute("data-rendered")));
        WebElement canvas = driver.findElement(testId("chart"));
        assertThat(canvas.getSize().getWidth()).isGreaterThan(200);
        assertThat(driver.findElement(By.id("chart-note")).getText()).contains("GB 3095-2012");
        screenshot("indicator-chart");
    }

    @Test
    void officerImportsAFileAndFollowsItToItsRefusedRows(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("indicator,subject,observedAt,value,unit\r\n");
        for (int h = 0; h < 24; h++) {
            csv.append(String.format("PM2_5,db-st,2023-03-02T%02d:00:00+08:00,30,ug/m3\r\n", h));
        }
        csv.append("PM2_5,db-nosuch,2023-03-02T00:00:00+08:00,30,ug/m3\r\n");
        Path file = dir.resolve("东城站小时数据.csv");
        Files.writeString(file, csv, java.nio.charset.StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        long readings = server.count("readings");

        signIn("officer");
        await(testId("nav-imports")).click();
        // an empty file is refused with the server's reason, and nothing is kept
        await(testId("import-file")).sendKeys(empty.toAbsolutePath().toString());
        driver.findElement(testId("import-upload")).click();
        assertThat(await(testId("error")).getText()).contains("422").contains("empty");
        assertThat(server.count("imports")).isZero();

        await(testId("import-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(testId("import-upload")).click();
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(d -> d.findElement(testId("import-status")).getText().equals("已完成"));
        WebElement refused = new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(testId("import-errors")));
        assertThat(refused.getText()).contains("24").contains("subject").contains("unknown subject 'db-nosuch'");
        assertThat(driver.findElement(testId("import-stored")).getText()).isEqualTo("24");
        assertThat(driver.findElement(testId("import-refused")).getText()).isEqualTo("1");
        assertThat(driver.findElement(testId("import-rowsRead")).getText()).isEqualTo("25");
        assertThat(server.count("readings") - readings).isEqualTo(24);
        screenshot("import");

        await(By.linkText("← 返回")).click();
        WebElement table = await(testId("imports-table"));
        assertThat(table.getText()).contains("东城站小时数据.csv").contains("已完成");
    }

    @Test
    void officerSeesNoAlertsAndSwitchesToEnglish() throws Exception {
        signIn("officer");
        List<String> nav = driver.findElements(By.cssSelector("#nav a")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(nav).contains("指标", "合规总览").doesNotContain("告警");
        driver.get(server.uri("/#/alerts").toString());
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("#/indicator"));
        driver.findElement(By.id("lang")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("#nav a")).stream()
                        .anyMatch(a -> a.getText().equals("Indicator")));
        driver.get(server.uri("/#/compliance?year=2023").toString());
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> d.findElement(testId("compliance-air")).getText().contains("东城")
                        || !d.findElement(testId("compliance-air"))
                                .findElements(By.tagName("tr"))
                                .isEmpty());
        assertThat(driver.findElement(By.tagName("h2")).getText()).contains("Compliance");
        screenshot("compliance");
    }

    /**
     * Script in the address bar or in stored data never runs: every template escapes what it interpolates, and the
     * Content-Security-Policy refuses inline script even where one slipped through.
     */
    @Test
    void noScriptRunsFromTheAddressBarOrFromStoredData() throws Exception {
        signIn("risk-office");
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) driver;
        for (String hash : List.of(
                "#/indicator?subject=db-st&date=%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
                "#/indicator?subject=db-st&indicator=%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
                "#/alert/1%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
                "#/compliance?year=2023%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
                "#/compliance?year=2023")) {
            driver.get(server.uri("/" + hash).toString());
            new WebDriverWait(driver, Duration.ofSeconds(15))
                    .until(d -> !d.findElement(By.id("view")).getText().equals("加载中…"));
            Thread.sleep(300);
            assertThat(js.executeScript("return window.__xss")).as(hash).isNull();
            assertThat(driver.findElements(By.cssSelector("#view img")))
                    .as(hash)
                    .isEmpty();
        }
        assertThat(driver.findElement(testId("compliance-air")).getText())
                .contains("<img src=x onerror=window.__xss=2>区");
        // the policy itself: an inline script injected by hand does not run
        js.executeScript("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__csp=1\">');"
                + "const s = document.createElement('script'); s.textContent = 'window.__csp = 2';"
                + " document.body.appendChild(s);");
        Thread.sleep(300);
        assertThat(js.executeScript("return window.__csp")).isNull();
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/", "/app.js", "/api/v1/whoami", "/health/live")) {
            java.net.http.HttpResponse<String> r = http.send(
                    java.net.http.HttpRequest.newBuilder(server.uri(path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .get()
                    .asString()
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
        }
    }

    /**
     * The receivers page: a webhook that keeps failing is shown failing with its failed notification (after its
     * maxFailures), a supervisor sends it again once it answers, and the page shows it ok.
     */
    @Test
    void receiversPageShowsAFailingReceiverAndSendsItsFailedNotificationAgain(@TempDir Path dir) throws Exception {
        try (org.targetwatch.support.WebhookReceiver hook = new org.targetwatch.support.WebhookReceiver()) {
            hook.failFirst(1000);
            Path routing = hook.airOfficeRouting(dir.resolve("routing.json"), "browser-webhook-secret-01");
            io.vertx.core.json.JsonObject doc = new io.vertx.core.json.JsonObject(Files.readString(routing));
            doc.getJsonArray("offices")
                    .getJsonObject(0)
                    .getJsonArray("receivers")
                    .getJsonObject(0)
                    .put("maxFailures", 2);
            Files.writeString(routing, doc.encode());
            try (TestServer other = new TestServer(java.util.Map.of(
                    "TARGETWATCH_ROUTING_FILE", routing.toString(),
                    "TARGETWATCH_DELIVERY_POLL_MILLIS", "50",
                    "TARGETWATCH_DELIVERY_BACKOFF_MILLIS", "50"))) {
                other.register("air-station", "rcv-st");
                long alert = other.ingest(other.token("officer"), hourlyPm25("rcv-st", "2023-03-01", 24, 80))
                        .array("alerts")
                        .getJsonObject(0)
                        .getLong("id");
                String supervisor = other.token("supervisor");
                org.targetwatch.support.Await.await(
                        () -> other.get("/api/v1/alerts/" + alert + "/deliveries", supervisor)
                                .body()
                                .contains("\"status\":\"failed\""),
                        "the notification marked failed");

                driver.get(other.uri("/").toString());
                ((org.openqa.selenium.JavascriptExecutor) driver)
                        .executeScript("sessionStorage.clear(); location.hash='';");
                driver.navigate().refresh();
                await(testId("token")).sendKeys(supervisor);
                driver.findElement(testId("login")).click();
                await(testId("nav-receivers")).click();
                WebElement row = await(testId("receiver-hook"));
                assertThat(row.findElement(testId("receiver-status")).getText()).isEqualTo("发送失败");
                assertThat(row.findElement(testId("receiver-failed")).getText()).isEqualTo("1");
                assertThat(row.getText()).contains("HTTP 500").contains("从未").contains("Webhook");
                screenshot("receivers-failing");

                hook.failFirst(0);
                driver.findElement(testId("retry-hook")).click();
                new WebDriverWait(driver, Duration.ofSeconds(10))
                        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                        .until(d -> d.findElement(testId("receivers-note"))
                                .getText()
                                .contains("已重新排队 1"));
                org.targetwatch.support.Await.await(() -> hook.delivered().size() == 1, "delivered after the retry");
                driver.findElement(testId("nav-receivers")).click();
                driver.navigate().refresh();
                new WebDriverWait(driver, Duration.ofSeconds(10))
                        .ignoring(org.openqa.selenium.NoSuchElementException.class)
                        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                        .until(d -> d.findElement(testId("receiver-hook"))
                                .findElement(testId("receiver-status"))
                                .getText()
                                .equals("正常"));
                assertThat(driver.findElement(testId("receiver-hook"))
                                .findElement(testId("receiver-failed"))
                                .getText())
                        .isEqualTo("0");
                screenshot("receivers-ok");
            }
        }
    }

    /** The audit log page: an admin sees who reloaded the rules, from where, and filters by path. */
    @Test
    void adminReadsTheAuditLogAndFiltersIt() throws Exception {
        assertThat(server.post("/api/v1/rulesets/reload", TestServer.ADMIN_TOKEN, "{}")
                        .status())
                .isEqualTo(200);
        signIn("admin");
        await(testId("nav-audit")).click();
        WebElement table = await(testId("audit-table"));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("audit-table")).getText().contains("POST /api/v1/rulesets/reload"));
        assertThat(driver.findElement(testId("audit-table")).getText())
                .contains("TARGETWATCH_ADMIN_TOKEN")
                .contains("127.0.0.1")
                .contains("200");
        assertThat(table.isDisplayed()).isTrue();
        driver.findElement(By.id("au-path")).sendKeys("/api/v1/rulesets");
        driver.findElement(testId("audit-filter")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.getCurrentUrl().contains("path="));
        List<WebElement> rows = new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    List<WebElement> r = d.findElements(By.cssSelector("[data-testid^='audit-'] code"));
                    return r.isEmpty() ? null : r;
                });
        assertThat(rows).allMatch(r -> r.getText().contains("/api/v1/rulesets"));
        screenshot("audit-log");
    }

    /** The board shows the exact total of the API and sorts by a column when its header is clicked, both ways. */
    @Test
    void theBoardShowsTheExactTotalAndSortsByAColumn() throws Exception {
        long total =
                server.get("/api/v1/alerts", server.token("risk-office")).json().getLong("total");
        signIn("risk-office");
        await(testId("alerts-table"));
        assertThat(driver.findElement(testId("count-total")).getText()).isEqualTo(Long.toString(total));
        assertThat(driver.findElement(testId("page-of")).getText()).isEqualTo("1 / 1");
        driver.findElement(testId("sort-subject")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.getCurrentUrl().contains("sort=subject")
                        && d.findElement(testId("sort-subject")).getText().endsWith("▼"));
        driver.findElement(testId("sort-subject")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.getCurrentUrl().contains("order=asc")
                        && d.findElement(testId("sort-subject")).getText().endsWith("▲"));
    }

    /**
     * Bulk action with versions checked per alert: two alerts selected, one changed by someone else meanwhile; one
     * is acknowledged, the other reported as a conflict and left as it is. On an alert's page the comment, the
     * assignee and the resolve reason are separate inputs, sent in their own fields.
     */
    @Test
    void bulkAcknowledgeReportsConflictsAndTheAlertPageHasSeparateInputs() throws Exception {
        server.register("air-station", "db-bulk-1", "db-bulk-2");
        String officer = server.token("officer");
        String risk = server.token("risk-office");
        server.token("supervisor"); // a supervisor of the office: offered as an assignee
        long first = server.ingest(officer, hourlyPm25("db-bulk-1", "2023-05-01", 24, 90))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        long second = server.ingest(officer, hourlyPm25("db-bulk-2", "2023-05-01", 24, 90))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        signIn("risk-office");
        await(testId("select-" + first)).click();
        driver.findElement(testId("select-" + second)).click();
        // someone else comments on the second alert after the board was shown: its version moves on
        assertThat(server.post("/api/v1/alerts/" + second + "/comment", risk, "{\"comment\": \"已电话核实\"}")
                        .status())
                .isEqualTo(200);
        // the board does not redraw under a selection: it says that alerts changed
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> !d.findElements(testId("live-pending")).isEmpty());
        assertThat(driver.findElement(testId("select-" + first)).isSelected()).isTrue();
        driver.findElement(testId("bulk-comment")).sendKeys("批量认领");
        driver.findElement(testId("bulk-ack")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("bulk-result")).getText().contains("成功 1"));
        assertThat(driver.findElement(testId("bulk-result")).getText())
                .contains("冲突（已被他人更新） 1")
                .contains("#" + second);
        assertThat(server.get("/api/v1/alerts/" + first, risk).json().getString("status"))
                .isEqualTo("acknowledged");
        assertThat(server.get("/api/v1/alerts/" + second, risk).json().getString("status"))
                .isEqualTo("open");
        screenshot("alerts-bulk");

        driver.findElement(testId("handle-" + second)).click();
        await(testId("assignee-" + second));
        // the office's people are offered (GET /api/v1/people), free text still accepted
        assertThat(driver.findElements(By.cssSelector("[data-testid='people'] option")).stream()
                        .map(o -> o.getAttribute("value")))
                .contains("test supervisor");
        await(testId("assignee-" + second)).sendKeys("王科长");
        driver.findElement(testId("comment-" + second)).sendKeys("请今日核查");
        driver.findElement(testId("assign-" + second)).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> "王科长"
                        .equals(server.get("/api/v1/alerts/" + second, risk)
                                .json()
                                .getString("assignee")));
        io.vertx.core.json.JsonObject assigned =
                server.get("/api/v1/alerts/" + second + "/history", risk).array("history").stream()
                        .map(o -> (io.vertx.core.json.JsonObject) o)
                        .filter(e -> e.getString("comment") != null
                                && e.getString("comment").contains("请今日核查"))
                        .findFirst()
                        .orElseThrow();
        // the assignee and the comment went in their own fields (one box used to serve as both)
        assertThat(assigned.getString("comment")).isEqualTo("assigned to 王科长: 请今日核查");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(d -> d.findElement(testId("resolve-" + second)).isDisplayed());
        driver.findElement(testId("resolve-" + second)).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElement(testId("error")).getText().contains("请填写解决原因"));
        assertThat(server.get("/api/v1/alerts/" + second, risk).json().getString("status"))
                .isEqualTo("open");
    }

    /** Live updates: a critical alert opened while the board is shown appears on it, marked, without a reload. */
    @Test
    void aNewCriticalAlertAppearsOnTheOpenBoardMarked() throws Exception {
        server.register("district", "db-live-d");
        signIn("risk-office");
        await(testId("alerts-table"));
        Object marker = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return window.__page = 42;");
        assertThat(marker).isEqualTo(42L);
        long id = server.ingest(
                        server.token("officer"),
                        org.targetwatch.support.Readings.reading(
                                "SAFETY_MAJOR_ACCIDENTS", "db-live-d", "2023-07-31T00:00:00+08:00", 1, "count"))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(d -> d.findElement(testId("new-critical")).getText().contains("#" + id));
        WebElement row = driver.findElement(testId("alert-row-" + id));
        assertThat(row.getDomAttribute("class")).contains("live-critical");
        assertThat(row.getText()).contains("紧急").contains("安全生产");
        assertThat(((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return window.__page;"))
                .as("the page was not reloaded")
                .isEqualTo(42L);
        screenshot("alerts-live");
    }

    /** An admin creates a token (its secret shown once and working), sees it listed with its last use, and revokes it. */
    @Test
    void adminCreatesAToken_seesItsSecretOnce_andRevokesIt() throws Exception {
        signIn("admin");
        await(testId("tokens-table"));
        driver.findElement(testId("token-name")).sendKeys("监测站 王五");
        new org.openqa.selenium.support.ui.Select(driver.findElement(testId("token-role"))).selectByValue("officer");
        driver.findElement(testId("token-create")).click();
        String secret = await(testId("token-secret")).getText();
        assertThat(secret).startsWith("tw_");
        assertThat(driver.findElement(testId("token-secret-box")).getText())
                .contains("只显示这一次")
                .contains("数据填报员");
        assertThat(server.get("/api/v1/whoami", secret).json().getString("name"))
                .isEqualTo("监测站 王五");
        long id = server.get("/api/v1/whoami", secret).json().getLong("id");

        driver.navigate().refresh(); // the secret is not shown again
        WebElement row = await(testId("token-row-" + id));
        assertThat(driver.getPageSource()).doesNotContain(secret);
        assertThat(row.getText()).contains("监测站 王五").contains("数据填报员").contains("有效");
        assertThat(row.getText()).doesNotContain("从未"); // used above
        screenshot("tokens-zh");

        driver.findElement(testId("revoke-" + id)).click();
        driver.switchTo().alert().accept();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("token-row-" + id)).getText().contains("已撤销"));
        assertThat(driver.findElement(testId("token-note")).getText()).contains("#" + id);
        assertThat(server.get("/api/v1/whoami", secret).status()).isEqualTo(401);
    }

    /**
     * Targets at a glance: every target, reported or not, bottom lines first, statuses in Chinese, the latest value
     * with a progress bar, the debt band in its colour's name; and the page prints without navigation.
     */
    @Test
    void supervisorSeesEveryTargetAtAGlance() throws Exception {
        String officer = server.token("officer");
        server.ingest(
                officer,
                new io.vertx.core.json.JsonArray()
                        .add(org.targetwatch.support.Readings.reading(
                                "TARGET_T01", "db-zd", "2023-06-30T00:00:00+08:00", 6.9, "%"))
                        .add(org.targetwatch.support.Readings.reading(
                                "DEBT_RATIO", "db-zd", "2023-06-30T00:00:00+08:00", 150, "%")));
        signIn("supervisor");
        driver.get(server.uri("/#/glance?year=2023&district=db-zd").toString());
        WebElement first = await(testId("glance-bottom-lines"));
        assertThat(first.getText()).contains("T72").contains("底线").contains("由规则核查");
        WebElement t01 = await(testId("target-T01"));
        assertThat(t01.getText())
                .contains("「地区生产总值增长7%」")
                .contains("6.9 %")
                .contains("2023-06-30")
                .contains("落后进度");
        assertThat(t01.findElements(By.cssSelector(".bar span"))).hasSize(1);
        assertThat(driver.findElement(testId("target-T02")).getText()).contains("未报送");
        assertThat(driver.findElement(testId("target-T21")).getText())
                .contains("无法量化核查")
                .contains("中上游");
        assertThat(driver.findElement(testId("glance-summaries")).getText())
                .contains("黄色")
                .contains("150%");
        String page = driver.findElement(By.id("view")).getText();
        for (String code : List.of("on-pace", "behind-pace", "not-reported", "not-checkable", "by-rule", "yellow")) {
            assertThat(page).as("no code left untranslated").doesNotContain(code);
        }
        int rows =
                driver.findElements(By.cssSelector("[data-testid^='target-']")).size();
        assertThat(rows)
                .isEqualTo(server
                        .get("/api/v1/targets?year=2023&district=db-zd", server.token("supervisor"))
                        .json()
                        .getJsonArray("groups")
                        .stream()
                        .mapToInt(g -> ((io.vertx.core.json.JsonObject) g)
                                .getJsonArray("targets")
                                .size())
                        .sum());
        screenshot("glance-zh");
        // printed: the navigation and the filters are not on paper
        ((org.openqa.selenium.chrome.ChromeDriver) driver)
                .executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("media", "print"));
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("g-go")).isDisplayed()).isFalse();
        assertThat(driver.findElement(testId("target-T01")).isDisplayed()).isTrue();
        ((org.openqa.selenium.chrome.ChromeDriver) driver)
                .executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("media", ""));
    }

    /** A supervisor reads March's briefing and downloads its workbook, which holds the figures the API gives. */
    @Test
    void supervisorDownloadsTheMonthlyBriefingWorkbook() throws Exception {
        String supervisor = server.token("supervisor");
        JsonObject api = server.get("/api/v1/reports/monthly?month=2023-03&district=db-zd", supervisor)
                .json();
        signIn("supervisor");
        driver.get(server.uri("/#/reports?kind=monthly&period=2023-03&district=db-zd")
                .toString());
        assertThat(await(testId("report-title")).getText()).endsWith("2023年3月 月报");
        assertThat(driver.findElement(testId("r-alerts")).getText())
                .isEqualTo(String.valueOf(
                        api.getJsonObject("alerts").getJsonObject("ofPeriod").getLong("total")));
        screenshot("reports-zh");
        driver.findElement(testId("report-xlsx")).click();
        Path file = downloads.resolve("briefing-monthly-2023-03-01.xlsx");
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> Files.exists(file) && file.toFile().length() > 0);
        assertThat(driver.findElement(testId("report-note")).getText()).contains("briefing-monthly-2023-03-01.xlsx");
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(Files.newInputStream(file))) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(7);
            var alerts = wb.getSheet("告警处置");
            assertThat(alerts.getRow(0).getCell(0).getStringCellValue()).isEqualTo("本期数据产生的告警");
            assertThat(alerts.getRow(0).getCell(1).getNumericCellValue()).isEqualTo((double)
                    api.getJsonObject("alerts").getJsonObject("ofPeriod").getLong("total"));
            assertThat(api.getJsonObject("alerts").getJsonObject("ofPeriod").getLong("total"))
                    .isPositive();
        }
    }

    /** A supervisor previews what a silence would match, creates it with its reason, sees it active and expires it. */
    @Test
    void supervisorPreviewsCreatesAndExpiresASilence() throws Exception {
        String supervisor = server.token("supervisor");
        long unresolved = server.get("/api/v1/alerts?subject=db-st&status=open&limit=500", supervisor)
                        .json()
                        .getLong("total")
                + server.get("/api/v1/alerts?subject=db-st&status=acknowledged&limit=500", supervisor)
                        .json()
                        .getLong("total");
        assertThat(unresolved).isPositive();
        signIn("supervisor");
        await(testId("nav-silences")).click();
        await(testId("silence-subject")).sendKeys("db-st");
        driver.findElement(testId("silence-preview")).click();
        assertThat(await(testId("silence-preview-total")).getText()).isEqualTo(String.valueOf(unresolved));
        // without a reason nothing is created
        long before = server.count("silences");
        driver.findElement(testId("silence-create")).click();
        assertThat(await(testId("error")).getText()).contains("请填写静默原因");
        assertThat(server.count("silences")).isEqualTo(before);
        driver.findElement(testId("silence-reason")).sendKeys("东城站设备检修");
        String end = java.time.LocalDateTime.now(java.time.ZoneId.of("Asia/Shanghai"))
                .plusDays(2)
                .withSecond(0)
                .withNano(0)
                .toString();
        ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("document.getElementById('s-end').value = arguments[0];", end.substring(0, 16));
        driver.findElement(testId("silence-create")).click();
        String note = await(testId("silence-note")).getText();
        assertThat(note).startsWith("已创建 #");
        long id = Long.parseLong(note.substring(note.indexOf('#') + 1));
        WebElement row = await(testId("silence-row-" + id));
        assertThat(row.getText()).contains("东城站设备检修").contains("生效中").contains("对象: db-st");
        JsonObject stored = server.get("/api/v1/silences", supervisor).json().getJsonArray("silences").stream()
                .map(JsonObject.class::cast)
                .filter(x -> x.getLong("id") == id)
                .findFirst()
                .orElseThrow();
        assertThat(stored.getString("endsAt")).startsWith(end.substring(0, 16)).endsWith("+08:00");
        screenshot("silences-zh");
        driver.findElement(testId("expire-" + id)).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("silence-row-" + id)).getText().contains("已失效"));
    }

    /** The board grouped by subject: a group's count, expanded in place, and acknowledged as a whole. */
    @Test
    void riskOfficeGroupsTheBoardBySubjectAndAcknowledgesAWholeGroup() throws Exception {
        String officer = server.token("officer");
        server.register("air-station", "db-grp-1", "db-grp-2");
        for (String day : List.of("2023-06-01", "2023-06-02", "2023-06-03")) {
            server.ingest(officer, hourlyPm25("db-grp-1", day, 24, 90));
        }
        server.ingest(officer, hourlyPm25("db-grp-2", "2023-06-01", 24, 90));
        signIn("risk-office");
        driver.get(server.uri("/#/alerts?group=subject&rule=air.daily-mean-over-grade-ii&periodFrom=2023-06-01")
                .toString());
        WebElement table = await(testId("groups-table"));
        List<WebElement> rows = table.findElements(By.cssSelector("[data-testid^='group-']"));
        int index = -1;
        for (WebElement r : rows) {
            if (r.getText().startsWith("测试 db-grp-1")) { // by name
                index = Integer.parseInt(r.getAttribute("data-testid").substring("group-".length()));
            }
        }
        assertThat(index).as(table.getText()).isNotNegative();
        assertThat(driver.findElement(testId("group-count-" + index)).getText()).isEqualTo("3");
        driver.findElement(testId("expand-" + index)).click();
        assertThat(await(testId("group-alerts-" + index)).findElements(By.cssSelector("tr")))
                .hasSize(3);
        screenshot("alerts-grouped-zh");
        driver.findElement(testId("bulk-comment")).sendKeys("已派人核查");
        driver.findElement(testId("ack-group-" + index)).click();
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("bulk-result")).getText().contains("成功 3"));
        String risk = server.token("risk-office");
        assertThat(server.get("/api/v1/alerts?subject=db-grp-1&status=acknowledged", risk)
                        .json()
                        .getLong("total"))
                .isEqualTo(3);
        assertThat(server.get("/api/v1/alerts?subject=db-grp-2&status=open", risk)
                        .json()
                        .getLong("total"))
                .isEqualTo(1); // another group untouched
    }

    /**
     * Every page of every role, in Chinese and in English, at 1400×900: it renders (not blank, not still loading,
     * no error) and its screenshot goes to target/screenshots/.
     */
    @Test
    void everyPageRendersInBothLanguagesAndIsScreenshot() throws Exception {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));
        Map<String, List<String>> pages = Map.of(
                "officer", List.of("indicator", "imports", "glance", "compliance", "rules"),
                "risk-office", List.of("alerts", "glance", "reports", "silences", "receivers"),
                "supervisor", List.of("rulesets"),
                "admin", List.of("tokens", "subjects", "audit"));
        for (String lang : List.of("zh", "en")) {
            for (var e : pages.entrySet()) {
                signOut();
                ((org.openqa.selenium.JavascriptExecutor) driver)
                        .executeScript("sessionStorage.setItem('tw.lang', arguments[0]);", lang);
                driver.navigate().refresh(); // the language is read when the page loads
                signIn(e.getKey());
                for (String page : e.getValue()) {
                    driver.get(server.uri("/#/" + page).toString());
                    new WebDriverWait(driver, Duration.ofSeconds(15))
                            .withMessage(lang + " " + page + " did not render")
                            .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                            .until(d -> {
                                String text =
                                        d.findElement(By.id("view")).getText().strip();
                                return !text.isEmpty()
                                        && !text.equals("加载中…")
                                        && !text.equals("Loading…")
                                        && !d.findElements(By.cssSelector("#view h2"))
                                                .isEmpty();
                            });
                    assertThat(driver.findElements(testId("error")))
                            .as(lang + " " + page)
                            .isEmpty();
                    assertThat(driver.findElement(By.cssSelector("html")).getAttribute("lang"))
                            .isEqualTo(lang.equals("zh") ? "zh-CN" : "en");
                    screenshot(page + "-" + lang);
                }
            }
        }
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
    }

    /**
     * The board's silenced filter shows only the alerts a silence in force covers, each marked 静默中; the board's
     * CSV export holds every alert of the filter, in Chinese, under the file name the server gives.
     */
    @Test
    void riskOfficeFiltersTheSilencedAlertsAndExportsThem() throws Exception {
        server.register("air-station", "db-sil");
        long silencedAlert = server.ingest(server.token("officer"), hourlyPm25("db-sil", "2023-02-10", 24, 80))
                .array("alerts")
                .getJsonObject(0)
                .getLong("id");
        String end = java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(8))
                .plusDays(1)
                .withNano(0)
                .toString();
        JsonObject silence = server.post(
                        "/api/v1/silences",
                        server.token("supervisor"),
                        new JsonObject()
                                .put(
                                        "matchers",
                                        new JsonObject()
                                                .put("subject", new io.vertx.core.json.JsonArray().add("db-sil")))
                                .put("endsAt", end)
                                .put("reason", "db-sil 设备检修")
                                .encode())
                .json();
        try {
            signIn("risk-office");
            driver.get(server.uri("/#/alerts").toString());
            await(testId("alerts-table"));
            assertThat(driver.findElements(testId("silenced-" + alertId))).isEmpty();
            new org.openqa.selenium.support.ui.Select(driver.findElement(testId("f-silenced"))).selectByValue("true");
            driver.findElement(By.id("f-go")).click();
            new WebDriverWait(driver, Duration.ofSeconds(10))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> d.getCurrentUrl().contains("silenced=true")
                            && d.findElement(testId("count-total")).getText().equals("1"));
            assertThat(await(testId("silenced-" + silencedAlert)).getText()).isEqualTo("静默中");
            assertThat(driver.findElements(testId("alert-row-" + alertId))).isEmpty();
            screenshot("alerts-silenced-zh");

            List<String> lines = downloadLines("alerts-csv", "alerts.csv");
            assertThat(driver.findElement(testId("alerts-note")).getText()).isEqualTo("已下载 alerts.csv");
            assertThat(lines.get(0)).startsWith("\uFEFF告警编号,级别,状态,");
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1))
                    .startsWith(silencedAlert + ",")
                    .contains("db-sil")
                    .endsWith(",是");
        } finally {
            server.post("/api/v1/silences/" + silence.getLong("id") + "/expire", server.token("supervisor"), "{}");
        }
    }

    /**
     * Without a subject the indicator page opens on the district's latest data: a month of daily values up to the
     * last day with data, the AQI bars over the HJ 633 category bands with their legend, and the limits in force
     * stepping over the range; its export is the readings of what is shown.
     */
    @Test
    void theIndicatorPageOpensOnTheDistrictsLatestDataAndExportsIt() throws Exception {
        String latest = server.get("/api/v1/air/days?subject=db-zd", server.token("officer"))
                .json()
                .getString("to");
        assertThat(latest).isNotNull();
        signIn("officer");
        driver.get(server.uri("/#/indicator").toString());
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> "true".equals(d.findElement(testId("aqi-chart")).getDomAttribute("data-rendered")));
        assertThat(driver.getCurrentUrl())
                .contains("subject=db-zd")
                .contains("indicator=PM2_5")
                .contains("range=month")
                .contains("date=" + latest);
        assertThat(driver.findElement(testId("aqi-legend")).getText())
                .contains("优")
                .contains("良")
                .contains("轻度污染")
                .contains("中度污染")
                .contains("重度污染")
                .contains("严重污染");
        WebElement chart = driver.findElement(testId("chart"));
        // the PM2.5 24-hour limits (Grade II of GB 3095-2012) drawn as one stepped line with its threshold id
        assertThat(chart.getDomAttribute("data-limits")).contains("PM2_5");
        // 29 of the 30 days have no data: each marked, none drawn as clean air
        assertThat(Integer.parseInt(chart.getDomAttribute("data-invalid-days"))).isPositive();
        screenshot("indicator-default-zh");

        List<String> lines = downloadLines("readings-csv", "readings.csv");
        assertThat(lines.get(0)).isEqualTo("\uFEFF指标,监测对象,观测时间,数值,单位,来源,数据标记");
    }

    /**
     * An admin registers a station with the form (its kind's settings listed), edits its name, and uploads a CSV
     * of stations: a file with a bad row is refused whole, the row named by its line in the file, and nothing is
     * registered; the corrected file registers every row.
     */
    @Test
    void adminRegistersEditsAndUploadsSubjects(@TempDir Path dir) throws Exception {
        signIn("admin");
        driver.get(server.uri("/#/subjects").toString());
        await(testId("subjects-table"));
        new org.openqa.selenium.support.ui.Select(driver.findElement(testId("s-kind2"))).selectByValue("air-station");
        assertThat(driver.findElement(testId("s-hint")).getText()).contains("district");
        driver.findElement(testId("s-id")).sendKeys("db-new");
        driver.findElement(testId("s-name")).sendKeys("新城站");
        WebElement settings = driver.findElement(testId("s-settings"));
        settings.clear();
        settings.sendKeys("{\"district\": \"db-zd\"}");
        driver.findElement(testId("s-save")).click();
        assertThat(await(testId("subjects-note")).getText()).isEqualTo("已保存 db-new");
        assertThat(await(testId("subject-row-db-new")).getText())
                .contains("新城站")
                .contains("district=db-zd");

        await(testId("edit-db-new")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> "true".equals(d.findElement(testId("s-id")).getDomProperty("readOnly")));
        WebElement name = driver.findElement(testId("s-name"));
        name.clear();
        name.sendKeys("新城站（迁建）");
        driver.findElement(testId("s-save")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d ->
                        d.findElement(testId("subject-row-db-new")).getText().contains("新城站（迁建）"));
        assertThat(server.get("/api/v1/subjects/db-new", server.token("admin"))
                        .json()
                        .getString("name"))
                .isEqualTo("新城站（迁建）");

        long before = server.count("subjects");
        Path bad = dir.resolve("stations.csv");
        Files.writeString(bad, "编号,类型,名称,district\ndb-csv-1,air-station,一号站,db-zd\ndb-csv-2,no-such-kind,二号站,db-zd\n");
        driver.findElement(testId("s-file")).sendKeys(bad.toString());
        driver.findElement(testId("s-upload")).click();
        WebElement errors = await(testId("s-errors"));
        // the bad row is line 3 of the file (line 1 is the header)
        assertThat(errors.findElements(By.cssSelector("tr")).get(1).getText()).startsWith("3 kind");
        assertThat(server.count("subjects")).isEqualTo(before);
        screenshot("subjects-refused-zh");

        Path good = dir.resolve("stations-fixed.csv");
        Files.writeString(good, "编号,类型,名称,district\ndb-csv-1,air-station,一号站,db-zd\ndb-csv-2,air-station,二号站,db-zd\n");
        driver.findElement(testId("s-file")).sendKeys(good.toString());
        driver.findElement(testId("s-upload")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(testId("subjects-note")).getText().equals("已登记 2"));
        assertThat(await(testId("subject-row-db-csv-2")).getText())
                .contains("二号站")
                .contains("空气");
        assertThat(server.count("subjects")).isEqualTo(before + 2);
    }

    /** The rules page filters its hundreds of rows by words, by a rule's category and by a threshold's status. */
    @Test
    void rulesPageSearchesAndFilters() throws Exception {
        signIn("supervisor");
        driver.get(server.uri("/#/rules").toString());
        WebElement search = await(testId("rules-search"));
        String all = driver.findElement(testId("rules-shown")).getText();
        int total = Integer.parseInt(all.substring(all.indexOf('/') + 1).strip());
        assertThat(total).isGreaterThan(100);
        search.sendKeys("pm2_5 GB3095-2012");
        List<WebElement> visible = driver.findElements(By.cssSelector("#view tr")).stream()
                .filter(WebElement::isDisplayed)
                .filter(tr -> !tr.findElements(By.tagName("td")).isEmpty())
                .toList();
        assertThat(visible)
                .isNotEmpty()
                .allMatch(tr -> tr.getText().contains("PM2_5") && tr.getText().contains("GB3095-2012"));
        assertThat(driver.findElement(testId("rules-shown")).getText()).startsWith("显示 " + visible.size() + " /");
        search.clear();
        search.sendKeys(" ");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("r-status")))
                .selectByVisibleText("UNCONFIRMED");
        List<WebElement> unconfirmed = driver.findElements(By.cssSelector("#view tr[data-status]")).stream()
                .filter(WebElement::isDisplayed)
                .toList();
        assertThat(unconfirmed).isNotEmpty().allMatch(tr -> "UNCONFIRMED".equals(tr.getAttribute("data-status")));
    }

    /** Errors read in Chinese first: a wrong token at sign-in, and in English after the switch. */
    @Test
    void aWrongTokenIsExplainedInChinese() throws Exception {
        await(testId("token")).sendKeys("tw_not-a-real-token");
        driver.findElement(testId("login")).click();
        WebElement error = await(By.id("login-error"));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> !error.getText().isEmpty());
        assertThat(error.getText()).startsWith("令牌无效、已撤销或未提供：");
        driver.findElement(By.id("lang")).click();
        await(testId("token")).sendKeys("tw_not-a-real-token");
        driver.findElement(testId("login")).click();
        WebElement english = await(By.id("login-error"));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> !english.getText().isEmpty());
        assertThat(english.getText()).doesNotContain("令牌").containsIgnoringCase("token");
    }
}
