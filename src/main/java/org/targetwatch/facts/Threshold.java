package org.targetwatch.facts;

import java.time.LocalDate;

/**
 * A limit, target or validity requirement, as data with provenance (loaded from {@code rules/thresholds.json}).
 * Rules compare facts with it through {@link #test(double)} so that the comparison operator is data too.
 *
 * @param id            stable identifier, e.g. {@code GB3095-2012/PM2_5/24h/II}
 * @param kind          {@code limit} (test true = breach) or {@code validity} (test true = enough data)
 * @param statistic     what is compared: {@code 24h-mean}, {@code sample}, {@code period-value}
 * @param op            one of {@code > >= < <= == !=}; {@code test(x)} is {@code x op value}
 * @param severity      {@code info}, {@code warning}, {@code major} or {@code critical}
 * @param strength      how binding the source is: 底线, 确保, 预期, 力争, 标准 (national standard), 指导
 * @param source        standard and clause, or report section and the exact quoted phrase
 * @param status        CONFIRMED, PARTIAL or UNCONFIRMED, as in the indicator catalog
 * @param effectiveFrom first day in force (inclusive)
 * @param effectiveTo   last day in force (inclusive), or null if open-ended
 * @param enabled       false switches the entry off without deleting it (e.g. an optional reading of a standard)
 * @param recovery      hysteresis: an active alert resolves only once {@code x op recovery} is false too (null: no
 *                      hysteresis, it resolves as soon as the limit is no longer crossed)
 * @param pendingEvaluations an alert stays pending until this many consecutive breaching evaluations (1 = opens at once)
 * @param pendingSeconds     and until it has been breaching this long
 * @param decimals      the precision the standard publishes for the judged statistic: before {@link #test(double)}
 *                      compares, the value is rounded to this many decimal places by GB/T 8170 修约 (round half to
 *                      even on its decimal value, see {@link org.targetwatch.common.Decimals}); null: compared as is
 * @param fromSetting   null, or the name of a subject setting (only {@code airStandardFrom}) that replaces
 *                      {@code effectiveFrom} for the subjects that set it: the standard applies to them from that
 *                      date (see {@link #inForceOn(LocalDate, LocalDate)})
 */
public record Threshold(
        String id,
        String kind,
        String indicator,
        String statistic,
        String op,
        double value,
        String unit,
        String severity,
        String strength,
        String source,
        String status,
        LocalDate effectiveFrom,
        LocalDate effectiveTo,
        String description,
        boolean enabled,
        Double recovery,
        int pendingEvaluations,
        int pendingSeconds,
        Integer decimals,
        String fromSetting) {

    /** The setting that moves the first day of the GB 3095-2012 / HJ 633-2012 / HJ 663-2013 entries. */
    public static final String AIR_STANDARD_FROM = "airStandardFrom";

    /** {@code x}, rounded to {@link #decimals} when set: the value this threshold judges and reports. */
    public double round(double x) {
        return decimals == null ? x : org.targetwatch.common.Decimals.round(x, decimals);
    }

    /** {@code round(x) op value}. */
    public boolean test(double x) {
        if (decimals != null && Double.isFinite(x)) {
            x = round(x);
        }
        return switch (op) {
            case ">" -> x > value;
            case ">=" -> x >= value;
            case "<" -> x < value;
            case "<=" -> x <= value;
            case "==" -> x == value;
            case "!=" -> x != value;
            default -> throw new IllegalStateException("unknown op " + op + " in threshold " + id);
        };
    }

    /** {@code x op value} for counts (DRL's strict mode does not widen int to double). */
    public boolean test(int x) {
        return test((double) x);
    }

    /** A copy whose value is replaced, for limits that depend on the subject (a section's target class). */
    public Threshold withValue(double newValue) {
        return new Threshold(
                id,
                kind,
                indicator,
                statistic,
                op,
                newValue,
                unit,
                severity,
                strength,
                source,
                status,
                effectiveFrom,
                effectiveTo,
                description,
                enabled,
                recovery,
                pendingEvaluations,
                pendingSeconds,
                decimals,
                fromSetting);
    }

    /** Whether the threshold is in force on the given calendar day, from its own {@code effectiveFrom}. */
    public boolean inForceOn(LocalDate day) {
        return inForceOn(day, null);
    }

    /**
     * Whether the threshold is in force on {@code day} for a subject whose {@link #fromSetting} date is
     * {@code settingFrom}: an entry with a {@code fromSetting} starts on {@code settingFrom} when that is given
     * (earlier or later than {@code effectiveFrom}); {@code effectiveTo} is never moved.
     */
    public boolean inForceOn(LocalDate day, LocalDate settingFrom) {
        LocalDate from = fromSetting != null && settingFrom != null ? settingFrom : effectiveFrom;
        return !day.isBefore(from) && (effectiveTo == null || !day.isAfter(effectiveTo));
    }

    /**
     * The enabled thresholds of {@code kind}, {@code indicator} and {@code statistic} in force on {@code day} for a
     * subject whose {@link #fromSetting} date is {@code settingFrom}, in table order.
     */
    public static java.util.stream.Stream<Threshold> inForce(
            java.util.List<Threshold> thresholds,
            String kind,
            String indicator,
            String statistic,
            LocalDate day,
            LocalDate settingFrom) {
        return thresholds.stream()
                .filter(t -> t.enabled()
                        && t.kind().equals(kind)
                        && t.indicator().equals(indicator)
                        && t.statistic().equals(statistic)
                        && t.inForceOn(day, settingFrom));
    }
}
