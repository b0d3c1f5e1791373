package org.targetwatch.facts;

import java.time.LocalDate;

/**
 * Year-to-date air statistics of a station or district, as of the latest day with data in that year.
 *
 * @param ratio              good days ÷ valid days × 100 (0 when there is no valid day)
 * @param remainingDays      days of the year after {@code asOf}
 * @param bestPossibleRatio  the ratio if every remaining day were valid and good
 * @param pm25Mean           mean of the valid daily PM2.5 means this year, or NaN
 * @param prevPm25Mean       the same over the same period (1 January to asOf's day) of the previous year, or NaN
 */
public record AirYearToDate(
        String subject,
        String kind,
        int year,
        LocalDate asOf,
        int validDays,
        int goodDays,
        double ratio,
        int remainingDays,
        double bestPossibleRatio,
        double pm25Mean,
        double pm10Mean,
        double prevPm25Mean,
        double prevPm10Mean)
        implements Scope.Covered {

    /** This year's mean minus the previous year's over the same span ({@code PM2_5} or {@code PM10}); NaN if absent. */
    public double change(String indicator) {
        return switch (indicator) {
            case "PM2_5" -> pm25Mean - prevPm25Mean;
            case "PM10" -> pm10Mean - prevPm10Mean;
            default -> Double.NaN;
        };
    }

    public boolean hasChange(String indicator) {
        return !Double.isNaN(change(indicator));
    }

    @Override
    public java.util.List<Scope> scopes() {
        String y = String.valueOf(year);
        java.util.List<Scope> out = new java.util.ArrayList<>();
        out.add(new Scope(subject, "GOOD_DAY_RATIO", y, ratio, java.util.List.of()));
        if (hasChange("PM2_5")) {
            out.add(new Scope(subject, "PM2_5", y, change("PM2_5"), java.util.List.of()));
        }
        if (hasChange("PM10")) {
            out.add(new Scope(subject, "PM10", y, change("PM10"), java.util.List.of()));
        }
        return out;
    }
}
