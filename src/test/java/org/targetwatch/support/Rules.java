package org.targetwatch.support;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.facts.Reading;
import org.targetwatch.rules.RuleSet;

/** The real ruleset of {@code rules/}, built once per test JVM, and helpers that make facts for it. */
public final class Rules {
    public static final Path DIR = Path.of("rules");
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final AtomicLong IDS = new AtomicLong(1000);
    private static RuleSet ruleSet;

    private Rules() {}

    public static synchronized RuleSet real() {
        if (ruleSet == null) {
            ruleSet = RuleSet.build(DIR);
        }
        return ruleSet;
    }

    /** Copies every file of {@code rules/} into {@code dir}, for tests that build a changed ruleset. */
    public static Path copyTo(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(DIR)) {
            for (Path p : s.toList()) {
                java.nio.file.Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    public static List<Breach> evaluate(Object... facts) {
        return evaluate(List.of(facts));
    }

    /**
     * Evaluates with the shared ruleset, whose sessions are reused from one test to the next, and fails unless a
     * new session gives the same breaches: every rule test is also a test of session reuse.
     */
    public static List<Breach> evaluate(Collection<?> facts) {
        List<Breach> reused = real().evaluate(facts);
        List<Breach> fresh = real().evaluateInNewSession(facts);
        if (!reused.equals(fresh)) {
            throw new AssertionError("a reused session gave " + reused + " but a new one " + fresh);
        }
        return reused;
    }

    /** A reading of the given indicator observed at 10:00 Asia/Shanghai on the given day. */
    public static Reading reading(String indicator, String subject, LocalDate day, double value, String unit) {
        return new Reading(
                IDS.incrementAndGet(),
                indicator,
                subject,
                day.atTime(LocalTime.of(10, 0)).atZone(ZONE).toInstant(),
                day,
                value,
                unit,
                1);
    }

    /** A daily statistic with {@code hours} hourly values whose mean is {@code mean}. */
    public static DailyStat daily(String indicator, String subject, LocalDate day, int hours, double mean) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < hours; i++) {
            ids.add(IDS.incrementAndGet());
        }
        return new DailyStat(subject, indicator, day, hours, mean, ids, null, hours >= 20);
    }
}
