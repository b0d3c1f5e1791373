package org.targetwatch.bench;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.DailyStat;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Threshold;

/**
 * A batch of facts for the rule-evaluation benchmark, and a hand-written Java evaluator of the same thresholds (the
 * per-reading limits and the 24-hour means with their validity rule) to compare Drools with.
 */
public final class BenchFacts {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final String[][] PER_READING = {
        {"DEBT_RATIO", "%", "period-value"},
        {"SAFETY_MAJOR_ACCIDENTS", "count", "period-value"},
        {"TAPWATER_TURBIDITY", "NTU", "tap-sample"},
        {"SAFETY_FOOD_DRUG_INCIDENTS", "count", "period-value"}
    };
    private static final String[] POLLUTANTS = {"PM2_5", "PM10", "SO2", "NO2", "CO"};

    private BenchFacts() {}

    /** {@code n} facts: three quarters readings with per-reading limits, one quarter daily means; about 1 in 5 breach. */
    public static List<Object> batch(int n, long seed) {
        Random rnd = new Random(seed);
        LocalDate day = LocalDate.of(2023, 6, 1);
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i % 4 == 3) {
                String p = POLLUTANTS[rnd.nextInt(POLLUTANTS.length)];
                double limit = p.equals("CO") ? 4 : p.equals("NO2") ? 80 : p.equals("PM2_5") ? 75 : 150;
                int hours = 18 + rnd.nextInt(7);
                out.add(new DailyStat(
                        "st-" + (i % 97),
                        p,
                        day,
                        hours,
                        limit * (0.6 + rnd.nextDouble() * 0.6),
                        List.of((long) i),
                        null,
                        hours >= 20));
            } else {
                String[] r = PER_READING[rnd.nextInt(PER_READING.length)];
                double v = switch (r[0]) {
                    case "DEBT_RATIO" -> 60 + rnd.nextDouble() * 60;
                    case "TAPWATER_TURBIDITY" -> rnd.nextDouble() * 1.25;
                    default -> rnd.nextInt(10) == 0 ? 1 : 0;
                };
                out.add(new Reading(
                        i, r[0], "d-" + (i % 31), day.atTime(10, 0).atZone(ZONE).toInstant(), day, v, r[1], 1));
            }
        }
        return out;
    }

    /** The same thresholds evaluated in plain Java: the baseline Drools is compared with. */
    public static final class HandWritten {
        private final Map<String, List<Threshold>> limitsByIndicator = new HashMap<>();
        private final Map<String, List<Threshold>> validityByIndicator = new HashMap<>();

        public HandWritten(List<Threshold> thresholds) {
            for (Threshold t : thresholds) {
                if (!t.enabled()) {
                    continue;
                }
                if (t.kind().equals("limit")) {
                    limitsByIndicator
                            .computeIfAbsent(t.indicator(), k -> new ArrayList<>())
                            .add(t);
                } else if (t.kind().equals("validity")) {
                    validityByIndicator
                            .computeIfAbsent(t.indicator(), k -> new ArrayList<>())
                            .add(t);
                }
            }
        }

        public List<Breach> evaluate(List<Object> facts) {
            List<Breach> out = new ArrayList<>();
            for (Object f : facts) {
                if (f instanceof DailyStat d) {
                    boolean valid = false;
                    for (Threshold v : validityByIndicator.getOrDefault(d.indicator(), List.of())) {
                        valid |= v.statistic().equals("24h-mean") && v.inForceOn(d.date()) && v.test(d.count());
                    }
                    if (!valid) {
                        continue;
                    }
                    for (Threshold t : limitsByIndicator.getOrDefault(d.indicator(), List.of())) {
                        if (t.statistic().equals("24h-mean") && t.inForceOn(d.date()) && t.test(d.mean())) {
                            out.add(new Breach(
                                    "air.daily-mean-over-grade-ii",
                                    d.subject(),
                                    d.indicator(),
                                    d.date().toString(),
                                    d.mean(),
                                    t,
                                    d.readingIds()));
                        }
                    }
                } else if (f instanceof Reading r) {
                    for (Threshold t : limitsByIndicator.getOrDefault(r.indicator(), List.of())) {
                        String s = t.statistic();
                        if ((s.equals("period-value") || s.equals("tap-sample") || s.equals("sample"))
                                && t.inForceOn(r.date())
                                && t.test(r.value())) {
                            out.add(new Breach(
                                    "reading-limit",
                                    r.subject(),
                                    r.indicator(),
                                    r.date().toString(),
                                    r.value(),
                                    t,
                                    List.of(r.id())));
                        }
                    }
                }
            }
            return out;
        }
    }
}
