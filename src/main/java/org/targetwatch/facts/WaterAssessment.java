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
 * @param worstParameters the main pollutants (主要污染指标) of 环办〔2011〕22号: up to three assessed parameters worse
 *                        than class III, worst class first, then by 超标倍数 over class III (empty when the class is
 *                        III or better)
 * @param samples         number of samples behind the values (1 for a sample)
 * @param separateClasses class of each separately evaluated parameter (湖库总氮, 粪大肠菌群), outside the class
 * @param exceedances     超标倍数 over the target class limit of each assessed parameter above it (GB 3838 §5)
 * @param judged          false for a year without the samples the monitoring plan requires: no alert, no clearing
 * @param status          {@code assessed}, {@code not-assessed} (no classifiable parameter) or
 *                        {@code insufficient-data} (a year short of its required samples: a year-to-date value)
 * @param requiredSamples the samples a year requires (0 for samples and months)
 */
public record WaterAssessment(
        String subject,
        String kind,
        String scope,
        String period,
        Map<String, Double> values,
        Map<String, Integer> classes,
        int classNumber,
        int targetClass,
        List<String> worstParameters,
        int samples,
        List<Long> readingIds,
        Map<String, Integer> separateClasses,
        Map<String, Double> exceedances,
        boolean judged,
        String status,
        int requiredSamples)
        implements Scope.Covered {

    /** The separately evaluated parameters of this assessment, for rules ({@code from $a.separateParameters}). */
    public List<String> separateParameters() {
        return List.copyOf(separateClasses.keySet());
    }

    /** The class of a separately evaluated parameter, 0 if it has none. */
    public int separateClass(String indicator) {
        return separateClasses.getOrDefault(indicator, 0);
    }

    /** A separate parameter's class in words, e.g. {@code WATER_TN IV类 (单独评价), 目标 III类}. */
    public String describeSeparate(String indicator) {
        return indicator + " " + className(separateClass(indicator))
                + "类 (单独评价 / evaluated separately, 环办〔2011〕22号), 目标 / target "
                + className(targetClass) + "类";
    }

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
        StringBuilder sb = new StringBuilder(className(classNumber)).append("类");
        if (!worstParameters.isEmpty()) {
            sb.append(" (主要污染指标 / main pollutants: ")
                    .append(String.join(", ", worstParameters))
                    .append(")");
        }
        if (!exceedances.isEmpty()) {
            List<String> parts = new java.util.ArrayList<>();
            exceedances.forEach((k, v) -> parts.add(k + " " + v + "倍"));
            sb.append(", 超标倍数 / times over the target class limit: ").append(String.join(", ", parts));
        }
        return sb.append(", 目标 / target ")
                .append(className(targetClass))
                .append("类")
                .toString();
    }

    /** How many classes worse than the target (0 when the target is met). */
    public int classesOverTarget() {
        return Math.max(0, classNumber - targetClass);
    }

    @Override
    public List<Scope> scopes() {
        if (!judged) {
            return List.of();
        }
        List<Scope> out = new java.util.ArrayList<>();
        if (classNumber > 0) {
            out.add(new Scope(subject, "WATER_CLASS", period, classNumber, readingIds));
        }
        separateClasses.forEach((ind, c) -> out.add(new Scope(subject, ind, period, c, readingIds)));
        return out;
    }

    private static final String[] CLASS_NAMES = {"I", "II", "III", "IV", "V", "劣V"};

    /** The name of GB 3838-2002 class 1..6: I, II, III, IV, V, 劣V. */
    public static String className(int classNumber) {
        return CLASS_NAMES[classNumber - 1];
    }
}
