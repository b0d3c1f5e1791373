package org.targetwatch;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.targetwatch.cli.ImportCommand;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.InvalidConfigException;
import org.targetwatch.rules.RuleBuildException;
import org.targetwatch.store.StoreUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point. With no arguments it starts the server, as it always has; {@code import FILE ...} uploads a file to
 * a running server ({@link ImportCommand}). Exit codes of the server: 0 after a clean shutdown, 2 invalid
 * configuration (or an unknown command line), 3 rules do not build, 4 database unavailable, 1 anything else. Each
 * failure prints one message saying what to fix.
 */
@Command(
        name = "targetwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {ImportCommand.class, BackupCommands.BackupCommand.class, BackupCommands.RestoreCommand.class},
        description = {
            "无参数时启动服务器（配置见 config/application.json 与 TARGETWATCH_* 环境变量）。",
            "With no arguments, starts the server (configured by config/application.json and TARGETWATCH_*)."
        })
public final class Main implements Callable<Integer> {
    /** What {@link #call} returns when the server is running: the JVM then lives on until it is stopped. */
    private static final int RUNNING = -1;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != RUNNING) {
            System.exit(code);
        }
    }

    /** The command line of the launcher, with its subcommands (used by the tests too). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        TargetWatch server;
        try {
            server = TargetWatch.start(AppConfig.load(), Clock.systemUTC());
        } catch (InvalidConfigException e) {
            return fail(err, 2, "invalid configuration: " + e.getMessage());
        } catch (RuleBuildException e) {
            return fail(err, 3, e.getMessage());
        } catch (org.targetwatch.store.SchemaTooNewException e) {
            return fail(err, 5, e.getMessage());
        } catch (StoreUnavailableException e) {
            return fail(err, 4, e.getMessage());
        } catch (RuntimeException e) {
            e.printStackTrace(err);
            return fail(err, 1, "failed to start: " + e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "targetwatch-shutdown"));
        return RUNNING;
    }

    private static int fail(PrintWriter err, int code, String message) {
        err.println("targetwatch: " + message);
        err.flush();
        return code;
    }

    /** The version from the jar's manifest (the build's version), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"TargetWatch " + (v == null ? "development" : v)};
        }
    }
}
