package org.targetwatch.facts;

import java.util.List;
import java.util.Map;

/**
 * The GB 3838-2002 class of a water section or source: of one sample ({@code scope} = sample, period = the date),
 * or of the means of a month or year's samples ({@code scope} = month or year, period {@code 2023-04} or
 * {@code 2023}).
 *
 * @param classNumber     1 (I) .. 5 (V), 6 (劣V): the worst class of the assessed parameters; 0 if none assessed
 * @param targetClass     the subject's target class (1..5)
 * @param worstParameters up to three assessed parameters of the worst class (主要污染物 when worse than III)
 * @param samples         number of samples behind the values (1 for a sample)
 */
public record WaterAssessment(String subject, String kind, String scope, String period, Map<String, Double> values,
                              Map<String, Integer> classes, int classNumber, int targetClass,
                              List<String> worstParameters, int samples, List<Long> readingIds) implements Scope.Covered {

    public boolean worseThanTarget() {
        return classNumber > targetClass;
    }

    /** The target class as a number, for comparisons in rules. */
    public double target() {
        return targetClass;
    }

    /** The threshold statistic judging this assessment: {@code sample-class}, {@code month-class}, {@code year-class}. */
    public String statistic() {
        return scope + "-class";
    }

    /** First day of the period. */
    public java.time.LocalDate periodStart() {
        return switch (period.length()) {
            case 4 -> java.time.LocalDate.of(Integer.parseInt(period), 1, 1);
            case 7 -> java.time.YearMonth.parse(period).atDay(1);
            default -> java.time.LocalDate.parse(period);
        };
    }

    /** The class and its worst parameters in words, e.g. {@code IV类 (WATER_NH3N IV, WATER_TP IV)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(org.targetwatch.stats.WaterClasses.name(classNumber)).append("类");
        if (!worstParameters.isEmpty()) {
            sb.append(" (主要污染物 / main pollutants: ").append(String.join(", ", worstParameters)).append(")");
        }
        return sb.append(", 目标 / target ").append(org.targetwatch.stats.WaterClasses.name(targetClass))
                .append("类").toString();
    }

    /** How many classes worse than the target (0 when the target is met). */
    public int classesOverTarget() {
        return Math.max(0, classNumber - targetClass);
    }

    @Override
    public List<Scope> scopes() {
        return classNumber == 0 ? List.of() : List.of(new Scope(subject, "WATER_CLASS", period, classNumber, readingIds));
    }
}
