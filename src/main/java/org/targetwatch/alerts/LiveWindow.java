package org.targetwatch.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.targetwatch.common.Times;

/**
 * Which alerts are about the past: an alert whose period ended more than {@code liveWindowHours} ago (and more than
 * its indicator's reporting allowance, {@code missingAfterMinutes}, when that is longer: a quarterly statistic is
 * reported weeks after its quarter) is <em>historical</em>. A historical alert is recorded and resolved as the
 * data says, but never notified or escalated; back-filling years of history floods no one.
 *
 * <p>Periods are read as the rules write them: {@code 2023} (a year), {@code 2023-05} (a month), {@code 2023-Q2}
 * (a quarter), {@code 2023-H1} (a half-year), {@code 2023-05-01} (a day), in Beijing time. An alert whose period
 * has another form is live: never silenced by a guess.
 */
public final class LiveWindow {
    private static final Pattern YEAR = Pattern.compile("(\\d{4})");
    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-Q([1-4])");
    private static final Pattern HALF = Pattern.compile("(\\d{4})-H([12])");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Duration window;
    private final Function<String, Integer> allowanceMinutes;

    /**
     * @param allowanceMinutes an indicator's {@code missingAfterMinutes}, or null for none (or an indicator that is
     *                         not in the catalog: AQI, WATER_CLASS, ...)
     */
    public LiveWindow(Duration window, Function<String, Integer> allowanceMinutes) {
        this.window = window;
        this.allowanceMinutes = allowanceMinutes;
    }

    /** Whether an alert of this indicator and period, raised at {@code now}, is historical. */
    public boolean historical(String indicator, String period, Instant now) {
        Optional<Instant> end = end(period);
        if (end.isEmpty()) {
            return false;
        }
        Integer allowance = allowanceMinutes.apply(indicator);
        Duration grace = allowance != null && Duration.ofMinutes(allowance).compareTo(window) > 0
                ? Duration.ofMinutes(allowance)
                : window;
        return end.get().plus(grace).isBefore(now);
    }

    /** The instant a period ends (exclusive), if its form is known. */
    static Optional<Instant> end(String period) {
        LocalDate next;
        Matcher m;
        try {
            if (YEAR.matcher(period).matches()) {
                next = LocalDate.of(Integer.parseInt(period) + 1, 1, 1);
            } else if ((m = MONTH.matcher(period)).matches()) {
                next = YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                        .plusMonths(1)
                        .atDay(1);
            } else if ((m = QUARTER.matcher(period)).matches()) {
                next = LocalDate.of(Integer.parseInt(m.group(1)), 1, 1).plusMonths(3L * Integer.parseInt(m.group(2)));
            } else if ((m = HALF.matcher(period)).matches()) {
                next = LocalDate.of(Integer.parseInt(m.group(1)), 1, 1).plusMonths(6L * Integer.parseInt(m.group(2)));
            } else if (DAY.matcher(period).matches()) {
                next = LocalDate.parse(period).plusDays(1);
            } else {
                return Optional.empty();
            }
        } catch (java.time.DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(next.atStartOfDay(Times.ZONE).toInstant());
    }
}
