package org.targetwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.InvalidConfigException;
import org.targetwatch.store.SchemaTooNewException;
import org.targetwatch.support.TestDatabase;
import org.targetwatch.support.TestServer;

/**
 * Configuration mounted the Kubernetes way (issue 19): a rules directory that is a symbolic link to a ConfigMap
 * volume (files linked through {@code ..data} to a {@code ..<timestamp>} directory) loads, and a new ConfigMap
 * version swapped in atomically is picked up by a reload; secrets come from files; and a database migrated by a
 * newer version is refused, untouched.
 */
class MountedConfigTest {

    /**
     * Lays out {@code volume} as the kubelet does: the files in {@code ..<version>/}, {@code ..data} a link to it
     * (replaced atomically by a rename), and each file a link {@code name -> ..data/name}.
     */
    private static void configMap(Path volume, String version, Map<String, byte[]> files) throws Exception {
        Path real = volume.resolve(".." + version);
        Files.createDirectories(real);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(real.resolve(f.getKey()), f.getValue());
        }
        Path tmp = volume.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(".." + version));
        Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : files.keySet()) {
            Path link = volume.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data").resolve(name));
            }
        }
    }

    private static Map<String, byte[]> shippedRules() throws Exception {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("rules"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void aSymlinkedConfigMapRulesDirectoryLoadsAndASwappedVersionIsReloaded(@TempDir Path dir) throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Map<String, byte[]> files = shippedRules();
        configMap(volume, "2026_12_03_10_00_00.1", files);
        Path rules = Files.createSymbolicLink(dir.resolve("rules"), volume);

        try (TestServer server = new TestServer(Map.of("TARGETWATCH_RULES_DIR", rules.toString()))) {
            String admin = TestServer.ADMIN_TOKEN;
            JsonObject loaded = server.get("/api/v1/rules", admin).json();
            assertThat(loaded.getString("rulesetVersion"))
                    .as("the same files, each once, under its own name")
                    .isEqualTo(org.targetwatch.support.Rules.real().version());
            assertThat(loaded.getJsonArray("rules")).hasSize(22);

            // a new ConfigMap version: air.drl's heavy-pollution rule described differently
            Map<String, byte[]> changed = new java.util.TreeMap<>(files);
            changed.put(
                    "air.drl",
                    new String(files.get("air.drl"), StandardCharsets.UTF_8)
                            .replace("重污染天: 日AQI大于200 / Heavy", "重污染天（已更新）: 日AQI大于200 / Heavy")
                            .getBytes(StandardCharsets.UTF_8));
            configMap(volume, "2026_12_03_11_00_00.2", changed);
            TestServer.Response reload = server.post("/api/v1/rulesets/reload", admin, "{}");
            assertThat(reload.status()).as(reload.body()).isEqualTo(200);
            assertThat(reload.json().getBoolean("changed")).isTrue();
            assertThat(reload.json().getInteger("rules")).isEqualTo(22);
            assertThat(server.get("/api/v1/rules", admin).body()).contains("重污染天（已更新）");
        }
    }

    @Test
    void theAdminTokenMayComeFromAFile(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("admin-token");
        Files.writeString(secret, "a-mounted-admin-token-0123456789\n");
        AppConfig config =
                AppConfig.fromSources(new JsonObject(), Map.of("TARGETWATCH_ADMIN_TOKEN_FILE", secret.toString()));
        assertThat(config.adminToken()).contains("a-mounted-admin-token-0123456789");

        assertThatThrownBy(() -> AppConfig.fromSources(
                        new JsonObject(),
                        Map.of(
                                "TARGETWATCH_ADMIN_TOKEN_FILE",
                                secret.toString(),
                                "TARGETWATCH_ADMIN_TOKEN",
                                "another-admin-token-0123456789")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("TARGETWATCH_ADMIN_TOKEN_FILE")
                .hasMessageContaining("set one of them");
        Files.writeString(dir.resolve("empty"), "\n");
        Files.writeString(dir.resolve("short"), "short");
        Map<String, String> refusals = Map.of(
                "empty", "is empty",
                "missing", "cannot read",
                "short", "at least 16 characters");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            assertThatThrownBy(() -> AppConfig.fromSources(
                            new JsonObject(),
                            Map.of(
                                    "TARGETWATCH_ADMIN_TOKEN_FILE",
                                    dir.resolve(r.getKey()).toString())))
                    .as(r.getKey())
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining(r.getValue());
        }
    }

    @Test
    void aDatabaseMigratedByANewerVersionIsRefusedAndLeftAsItIs() throws Exception {
        String db = TestDatabase.newDatabaseUrl();
        try (TestServer first = new TestServer(db, Map.of())) {
            first.register("district", "newer-d");
        }
        // what a newer release would have applied
        TestDatabase.execute(
                db,
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '999',"
                        + " 'from the future', 'SQL', 'V999__from_the_future.sql', 1, 'test', 1, true"
                        + " FROM flyway_schema_history");
        long history = TestDatabase.scalar(db, "SELECT count(*) FROM flyway_schema_history");
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> new TestServer(db, Map.of()));
        while (refused != null && !(refused instanceof SchemaTooNewException)) {
            refused = refused.getCause();
        }
        assertThat(refused)
                .as("refused with SchemaTooNewException (exit code 5)")
                .isInstanceOf(SchemaTooNewException.class)
                .hasMessageContaining("newer TargetWatch")
                .hasMessageContaining("999 (from the future)")
                .hasMessageContaining("this version knows up to ")
                .hasMessageContaining("nothing was changed");
        assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM flyway_schema_history"))
                .isEqualTo(history);
        assertThat(TestDatabase.scalar(db, "SELECT count(*) FROM subjects WHERE id = 'newer-d'"))
                .isEqualTo(1);
    }
}
