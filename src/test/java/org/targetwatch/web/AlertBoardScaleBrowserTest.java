package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.targetwatch.support.Browser.testId;
import static org.targetwatch.support.Readings.hourlyPm25;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.targetwatch.support.Browser;
import org.targetwatch.support.TestServer;

/**
 * The alert board with more than a thousand alerts (50 stations × 25 days of a PM2.5 daily mean over Grade II), in
 * a real Chromium against the real server: the exact total, pages of 100, the next page, a sort and the grouping
 * show exactly what the API answers for the same query. Each step's time from the click to the drawn page is
 * printed and written to target/board-timings.json (a record, not a timed assertion: these machines vary 2–3×).
 */
class AlertBoardScaleBrowserTest {
    private static final int STATIONS = 50;
    private static final int DAYS = 25;
    private static TestServer server;
    private static WebDriver driver;
    private static final Map<String, Long> timings = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Browser.require();
        server = new TestServer();
        JsonArray subjects = new JsonArray()
                .add(new JsonObject().put("id", "sc-zd").put("kind", "district").put("name", "规模区"));
        for (int s = 1; s <= STATIONS; s++) {
            subjects.add(new JsonObject()
                    .put("id", String.format("sc-%02d", s))
                    .put("kind", "air-station")
                    .put("name", String.format("规模站%02d", s))
                    .put("settings", new JsonObject().put("district", "sc-zd")));
        }
        assertThat(server.post("/api/v1/subjects", TestServer.ADMIN_TOKEN, subjects.encode())
                        .status())
                .isEqualTo(201);
        String officer = server.token("officer");
        for (int s = 1; s <= STATIONS; s++) {
            JsonArray readings = new JsonArray();
            for (int d = 0; d < DAYS; d++) {
                hourlyPm25(
                                String.format("sc-%02d", s),
                                LocalDate.of(2023, 4, 1).plusDays(d).toString(),
                                24,
                                80)
                        .forEach(readings::add);
            }
            server.ingest(officer, readings);
        }
        driver = Browser.start(Files.createTempDirectory("downloads"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (!timings.isEmpty()) {
            JsonObject out = new JsonObject();
            timings.forEach(out::put);
            Files.createDirectories(java.nio.file.Path.of("target"));
            Files.writeString(java.nio.file.Path.of("target/board-timings.json"), out.encodePrettily());
            System.out.println("board timings (ms, click to drawn page): " + out.encode());
        }
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theBoardPagesSortsAndGroupsMoreThanAThousandAlerts() {
        String risk = server.token("risk-office");
        long stored = server.count("alerts");
        assertThat(stored).isGreaterThanOrEqualTo((long) STATIONS * DAYS);
        long pages = (stored + 99) / 100;

        driver.get(server.uri("/").toString());
        driver.findElement(testId("token")).sendKeys(risk);
        timed("sign-in to board", () -> driver.findElement(testId("login")).click(), d -> pageOf(d, "1 / " + pages));
        assertThat(driver.findElement(testId("count-total")).getText()).isEqualTo(String.valueOf(stored));
        assertThat(rowIds()).isEqualTo(apiIds("/api/v1/alerts?limit=100", risk));

        timed("next page", () -> driver.findElement(testId("page-next")).click(), d -> pageOf(d, "2 / " + pages));
        assertThat(rowIds()).isEqualTo(apiIds("/api/v1/alerts?limit=100&page=2", risk));

        timed(
                "sort by subject",
                () -> driver.findElement(testId("sort-subject")).click(),
                d -> d.getCurrentUrl().contains("sort=subject") && pageOf(d, "1 / " + pages));
        List<Long> sorted = apiIds("/api/v1/alerts?limit=100&sort=subject&order=desc", risk);
        assertThat(rowIds()).isEqualTo(sorted);
        // the last station first: its 25 days, then the one before
        assertThat(server.get("/api/v1/alerts/" + sorted.get(0), risk).json().getString("subject"))
                .isEqualTo(String.format("sc-%02d", STATIONS));

        timed(
                "last page",
                () -> driver.get(server.uri("/#/alerts?sort=subject&order=desc&page=" + pages)
                        .toString()),
                d -> pageOf(d, pages + " / " + pages));
        assertThat(rowIds()).hasSize((int) (stored - (pages - 1) * 100));

        driver.get(server.uri("/#/alerts").toString());
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> pageOf(d, "1 / " + pages));
        new org.openqa.selenium.support.ui.Select(driver.findElement(testId("group-by"))).selectByValue("subject");
        timed(
                "group by subject",
                () -> driver.findElement(org.openqa.selenium.By.id("f-go")).click(),
                d -> !d.findElements(testId("groups-table")).isEmpty());
        JsonObject groups = server.get("/api/v1/alerts/groups?by=subject", risk).json();
        int shown = driver.findElements(org.openqa.selenium.By.cssSelector("[data-testid^='group-count-']"))
                .size();
        assertThat(shown).isEqualTo(groups.getJsonArray("groups").size()).isGreaterThanOrEqualTo(STATIONS);
        long sum = 0;
        for (int i = 0; i < shown; i++) {
            sum += Long.parseLong(driver.findElement(testId("group-count-" + i)).getText());
        }
        assertThat(sum).isEqualTo(stored);
        assertThat(driver.findElement(testId("count-total")).getText()).isEqualTo(String.valueOf(stored));
    }

    /** Runs {@code action} and waits (polling every 20 ms) until {@code drawn}; records the time between. */
    private static void timed(String step, Runnable action, Function<WebDriver, Boolean> drawn) {
        long start = System.nanoTime();
        action.run();
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .pollingEvery(Duration.ofMillis(20))
                .ignoring(StaleElementReferenceException.class)
                .until(drawn::apply);
        timings.put(step, (System.nanoTime() - start) / 1_000_000);
    }

    private static boolean pageOf(WebDriver d, String text) {
        return d.findElements(testId("page-of")).stream()
                        .anyMatch(e -> e.getText().equals(text))
                && !d.findElements(testId("alerts-table")).isEmpty();
    }

    /** The ids of the board's rows, top to bottom. */
    private static List<Long> rowIds() {
        List<Long> ids = new ArrayList<>();
        for (Object id : (List<?>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll(\"[data-testid^='alert-row-']\")]"
                        + ".map((r) => r.dataset.testid.slice('alert-row-'.length));")) {
            ids.add(Long.valueOf(id.toString()));
        }
        return ids;
    }

    private static List<Long> apiIds(String path, String token) {
        List<Long> ids = new ArrayList<>();
        server.get(path, token).json().getJsonArray("alerts").forEach(a -> ids.add(((JsonObject) a).getLong("id")));
        return ids;
    }
}
