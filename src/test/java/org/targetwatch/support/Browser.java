package org.targetwatch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for the dashboard's tests (Debian's chromium and chromium-driver, installed by .ci/run).
 * Where the two binaries are missing the calling test class is skipped with a message, except in CI (CI=true),
 * where their absence fails it: a browser test skipped in CI is a failure.
 */
public final class Browser {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {}

    /** Checks that the browser is there (see the class comment), before anything else is started. */
    public static void require() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "browser tests need /usr/bin/chromium and /usr/bin/chromedriver"
                + " (apt-get install chromium chromium-driver)";
        assertThat(present || !"true".equals(System.getenv("CI"))).as(missing).isTrue();
        assumeTrue(present, missing);
    }

    /** A new headless browser, 1400×1000, saving downloads to {@code downloads} without asking. */
    public static WebDriver start(Path downloads) throws java.io.IOException {
        require();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--window-size=1400,1000",
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** The element a test finds by its {@code data-testid}. */
    public static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
