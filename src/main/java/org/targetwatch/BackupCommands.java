package org.targetwatch;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.InvalidConfigException;
import org.targetwatch.store.Backup;
import org.targetwatch.store.StoreUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code targetwatch backup FILE} and {@code targetwatch restore FILE}: a consistent online backup of the whole
 * database, and its restore into a fresh data directory ({@link Backup}). The database is the server's: the
 * external one of {@code TARGETWATCH_DB_URL}, or the embedded one of {@code TARGETWATCH_DATA_DIR} (the running
 * server's, or started for the command when the server is stopped).
 *
 * <p>Exit codes: 0 done; 1 failed (the message says why; a damaged backup restores nothing); 2 a wrong command
 * line, configuration or file; 4 the database cannot be reached or started; 5 the backup's schema is newer than
 * this version; 6 the restore target is not empty.
 */
final class BackupCommands {
    private BackupCommands() {}

    /** The settings of the server, with the command's overrides. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "备份文件 / the backup file (.zip)")
        Path file;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "数据目录 / the data directory (default: $TARGETWATCH_DATA_DIR or ./data)")
        Path dataDir;

        @Option(
                names = "--db-url",
                paramLabel = "URL",
                description = "外部数据库 / an external database instead (default: $TARGETWATCH_DB_URL)")
        String dbUrl;

        AppConfig config() {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (dataDir != null) {
                env.put("TARGETWATCH_DATA_DIR", dataDir.toString());
            }
            if (dbUrl != null) {
                env.put("TARGETWATCH_DB_URL", dbUrl);
            }
            return AppConfig.load(env);
        }

        abstract JsonObject run(AppConfig config) throws Exception;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                JsonObject manifest = run(config());
                long rows = manifest.getJsonArray("tables").stream()
                        .mapToLong(t -> ((JsonObject) t).getLong("rows"))
                        .sum();
                out.println(spec.name() + ": " + file + " — schema " + manifest.getString("schemaVersion") + ", "
                        + manifest.getJsonArray("tables").size() + " tables, " + rows + " rows ("
                        + manifest.getString("createdAt")
                        + ")");
                out.flush();
                return 0;
            } catch (Backup.RefusedException e) {
                return fail(err, e.exitCode, e.getMessage());
            } catch (InvalidConfigException e) {
                return fail(err, 2, "invalid configuration: " + e.getMessage());
            } catch (StoreUnavailableException e) {
                return fail(err, 4, e.getMessage());
            } catch (Exception e) {
                return fail(err, 1, "failed: " + e);
            }
        }

        private int fail(PrintWriter err, int code, String message) {
            err.println("targetwatch " + spec.name() + ": " + message);
            err.flush();
            return code;
        }
    }

    @Command(
            name = "backup",
            mixinStandardHelpOptions = true,
            description = {
                "在线备份整个数据库（读数、告警、命中、规则版本……）到一个文件，服务器可继续运行。",
                "Backs up the whole database (readings, alerts, hits, ruleset versions, ...) to a file, online."
            })
    static final class BackupCommand extends Base {
        @Override
        JsonObject run(AppConfig config) throws Exception {
            if (Files.isDirectory(file)) {
                throw new Backup.RefusedException(2, file + " is a directory; name the backup file");
            }
            try (Backup b = Backup.open(config, false)) {
                return b.backup(file, Instant.now());
            }
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = {
                "把备份恢复到一个新的数据目录（或空的外部数据库）；之后启动服务器即可。",
                "Restores a backup into a fresh data directory (or an empty external database); then start the server."
            })
    static final class RestoreCommand extends Base {
        @Override
        JsonObject run(AppConfig config) throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new Backup.RefusedException(2, "no backup file " + file);
            }
            try (Backup b = Backup.open(config, true)) {
                return b.restore(file);
            }
        }
    }
}
