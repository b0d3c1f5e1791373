package org.targetwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration: file, environment overrides, validation; and the real process exiting on bad values. */
class ConfigTest {

    @Test
    void defaultsApplyWithoutFileOrEnvironment() {
        AppConfig c = AppConfig.fromSources(new JsonObject(), Map.of());
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.dbUrl()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.rulesDir()).isEqualTo(Path.of("./rules"));
        assertThat(c.adminToken()).isEmpty();
        assertThat(c.maxBatchReadings()).isEqualTo(10_000);
    }

    @Test
    void environmentOverridesTheFile() {
        AppConfig c = AppConfig.fromSources(
                new JsonObject().put("httpPort", 9000).put("rulesDir", "/etc/rules"),
                Map.of(
                        "TARGETWATCH_HTTP_PORT",
                        "9100",
                        "TARGETWATCH_DB_URL",
                        "postgresql://tw:secret@db.example:5432/targetwatch"));
        assertThat(c.httpPort()).isEqualTo(9100);
        assertThat(c.rulesDir()).isEqualTo(Path.of("/etc/rules"));
        assertThat(c.dbUrl()).contains("postgresql://tw:secret@db.example:5432/targetwatch");
        assertThat(c.dbReadUrl()).isEmpty();
    }

    @Test
    void aReadReplicaIsOneSettingAndMayComeFromASecretFile() throws Exception {
        AppConfig c = AppConfig.fromSources(
                new JsonObject().put("dbReadUrl", "postgresql://tw@replica.example:5432/targetwatch"), Map.of());
        assertThat(c.dbReadUrl()).contains("postgresql://tw@replica.example:5432/targetwatch");
        Path secret = java.nio.file.Files.createTempFile("db-read-url", ".txt");
        java.nio.file.Files.writeString(secret, "postgresql://tw:s3cret@replica.example:5432/targetwatch\n");
        AppConfig fromFile =
                AppConfig.fromSources(new JsonObject(), Map.of("TARGETWATCH_DB_READ_URL_FILE", secret.toString()));
        assertThat(fromFile.dbReadUrl()).contains("postgresql://tw:s3cret@replica.example:5432/targetwatch");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "TARGETWATCH_HTTP_PORT, abc",
        "TARGETWATCH_HTTP_PORT, 70000",
        "TARGETWATCH_HJ212_PORT, -2",
        "TARGETWATCH_HJ212_PORT, 65536",
        "TARGETWATCH_DB_URL, mysql://x@y/z",
        "TARGETWATCH_DB_URL, postgresql://host-without-db",
        "TARGETWATCH_DB_READ_URL, mysql://x@y/z",
        "TARGETWATCH_DB_READ_URL, postgresql://host-without-db",
        "TARGETWATCH_ADMIN_TOKEN, short",
        "TARGETWATCH_DB_POOL_SIZE, 0",
        "TARGETWATCH_MAX_BATCH_READINGS, -5",
    })
    void invalidValueIsRejectedNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> AppConfig.fromSources(new JsonObject(), Map.of(key, value)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).startsWith(key);
                });
    }

    @Test
    void unknownKeyInTheFileIsRejected() {
        assertThatThrownBy(() -> AppConfig.fromSources(new JsonObject().put("htpPort", 1), Map.of()))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("htpPort"));
    }

    @Test
    void retentionMonthsAreGivenPerTableFamily() {
        assertThat(AppConfig.fromSources(new JsonObject(), Map.of()).retentionMonths())
                .isEmpty();
        AppConfig c = AppConfig.fromSources(
                new JsonObject().put("retentionMonths", new JsonObject().put("readings", 36)),
                Map.of("TARGETWATCH_RETENTION_MONTHS", "{\"ruleHits\": 24, \"alertEvents\": 12}"));
        assertThat(c.retentionMonths()).isEqualTo(Map.of("ruleHits", 24, "alertEvents", 12));
        assertThat(AppConfig.fromSources(
                                new JsonObject().put("retentionMonths", new JsonObject().put("readings", 36)), Map.of())
                        .retentionMonths())
                .isEqualTo(Map.of("readings", 36));
        Map<String, String> bad = Map.of(
                "{\"reading\": 3}", "retentionMonths.reading",
                "{\"readings\": 0}", "retentionMonths.readings",
                "{\"readings\": 2.5}", "retentionMonths.readings",
                "36", "TARGETWATCH_RETENTION_MONTHS");
        bad.forEach((value, key) -> assertThatThrownBy(
                        () -> AppConfig.fromSources(new JsonObject(), Map.of("TARGETWATCH_RETENTION_MONTHS", value)))
                .as(value)
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo(key)));
    }

    @Test
    void shippedConfigurationFileIsValid() {
        AppConfig c = AppConfig.load(Map.of("TARGETWATCH_CONFIG", "config/application.json"));
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.indicatorsFile()).isEqualTo(Path.of("./config/indicators.json"));
    }

    /** Each file of config/ is checked against its JSON Schema before it is read: the entry and field are named. */
    @Test
    void configFilesAreCheckedAgainstTheirSchemasNamingEntryAndField(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("application.json");
        Files.writeString(app, "{\"httpPort\": \"80\", \"_comment\": \"x\"}");
        assertThatThrownBy(() -> AppConfig.load(Map.of("TARGETWATCH_CONFIG", app.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("httpPort")
                .hasMessageContaining("string found, integer expected");

        String catalog = Files.readString(Path.of("config/indicators.json"));
        Path indicators = dir.resolve("my-indicators.json");
        Files.writeString(indicators, catalog.replaceFirst("\"category\": \"air\"", "\"category\": \"Air\""));
        assertThatThrownBy(() -> IndicatorCatalog.load(indicators))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("indicatorsFile");
                    assertThat(e.getMessage())
                            .contains("indicators[0].category")
                            .contains("my-indicators.json");
                });

        Path routing = dir.resolve("routing.json");
        Files.writeString(
                routing,
                Files.readString(Path.of("config/routing.json")).replaceFirst("\"receivers\"", "\"recievers\""));
        assertThatThrownBy(() -> org.targetwatch.alerts.Routing.load(routing, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("offices[0]")
                .hasMessageContaining("recievers");
        // the shipped files match their schemas
        assertThat(org.targetwatch.common.JsonSchemas.problems(
                        "routing.json", Files.readString(Path.of("config/routing.json"))))
                .isEmpty();
        assertThat(org.targetwatch.common.JsonSchemas.problems("indicators.json", catalog))
                .isEmpty();
    }

    /** Kinds of subject come from the domain modules; a kind several bring has the union of their settings. */
    @Test
    void subjectKindsAreThoseTheDomainModulesRegister() {
        Map<String, Map<String, SubjectKind.Setting>> kinds = SubjectKind.registered();
        assertThat(kinds.keySet())
                .containsExactly(
                        "air-station",
                        "district",
                        "drinking-water-source",
                        "township",
                        "village",
                        "water-plant",
                        "water-section");
        assertThat(kinds.get("district").keySet()).containsExactly("airStandardFrom");
        assertThat(kinds.get("water-section").keySet())
                .containsExactlyInAnyOrder("targetClass", "waterBody", "control", "samplesPerYear", "hj212");
        SubjectKind.Setting samples = kinds.get("water-section").get("samplesPerYear");
        assertThat(samples.parse().apply(12)).isEqualTo(12);
        assertThat(samples.parse().apply(5)).isNull();
        assertThat(samples.parse().apply("12")).isNull();
        assertThat(kinds.get("district").get("airStandardFrom").parse().apply("2013-02-30"))
                .isNull();
    }

    @Test
    void serverProcessExitsNonZeroNamingTheInvalidKey() throws Exception {
        Result r = runMain(Map.of("TARGETWATCH_HTTP_PORT", "eighty"));
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("TARGETWATCH_HTTP_PORT").contains("eighty");
    }

    @Test
    void serverProcessExitsWithEveryRuleErrorWhenRulesDoNotBuild(@TempDir Path rules) throws Exception {
        Files.copy(Path.of("rules/thresholds.json"), rules.resolve("thresholds.json"));
        Files.writeString(rules.resolve("gb3838-2002.json"), "{\"parameters\": 7}");
        Files.writeString(rules.resolve("bad.drl"), "package x;\nrule \"a\"\nwhen\n  Nothing(\nthen\nend\n");
        Result r = runMain(Map.of("TARGETWATCH_RULES_DIR", rules.toString()));
        assertThat(r.exit).isEqualTo(3);
        assertThat(r.stderr).contains("bad.drl:").contains("gb3838-2002.json");
    }

    private record Result(int exit, String stderr) {}

    private static Result runMain(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "org.targetwatch.Main"));
        pb.environment().keySet().removeIf(k -> k.startsWith("TARGETWATCH_"));
        pb.environment().putAll(env);
        File err = File.createTempFile("tw-err", ".txt");
        pb.redirectError(err).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("server did not exit");
        }
        return new Result(p.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
