package org.targetwatch;

import java.time.Clock;
import org.targetwatch.config.AppConfig;
import org.targetwatch.config.InvalidConfigException;
import org.targetwatch.rules.RuleBuildException;
import org.targetwatch.store.StoreUnavailableException;

/**
 * Entry point. Exit codes: 0 after a clean shutdown, 2 invalid configuration, 3 rules do not build, 4 database
 * unavailable, 1 anything else. Each failure prints one message saying what to fix.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        TargetWatch server;
        try {
            server = TargetWatch.start(AppConfig.load(), Clock.systemUTC());
        } catch (InvalidConfigException e) {
            fail(2, "invalid configuration: " + e.getMessage());
            return;
        } catch (RuleBuildException e) {
            fail(3, e.getMessage());
            return;
        } catch (StoreUnavailableException e) {
            fail(4, e.getMessage());
            return;
        } catch (RuntimeException e) {
            e.printStackTrace();
            fail(1, "failed to start: " + e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "targetwatch-shutdown"));
    }

    private static void fail(int code, String message) {
        System.err.println("targetwatch: " + message);
        System.exit(code);
    }
}
