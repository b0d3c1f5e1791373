package org.targetwatch.domain.water;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.targetwatch.common.Decimals;
import org.targetwatch.facts.DrinkingWaterCompliance;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.WaterAssessment;

/**
 * Water assessments from stored samples. A sample is the set of a subject's water readings with the same
 * {@code observedAt}. A period's value of a parameter is the arithmetic mean of its samples in the period
 * (环办〔2011〕22号: several samples → arithmetic mean), computed in decimal and rounded by GB/T 8170 to the
 * precision of the table's limits, then classified like a sample.
 *
 * <p>An annual assessment is judged only with the samples the subject's monitoring plan requires
 * ({@link Subject#samplesPerYear()}: n samples, at least one in each of the n equal parts of the year); before
 * that it is {@code insufficient-data}: shown as a year-to-date value, never alerted on and never clearing.
 */
public final class WaterStats {
    private WaterStats() {}

    /** Assessment of the readings of one subject (one sample, or every sample of a period). */
    public static WaterAssessment assess(
            WaterClasses table, Subject s, String scope, String period, List<Reading> readings) {
        Map<String, java.math.BigDecimal> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<Instant, Integer> samples = new TreeMap<>();
        List<Long> ids = new ArrayList<>();
        for (Reading r : readings) {
            if (!table.covers(r.indicator())) {
                continue;
            }
            sums.merge(r.indicator(), Decimals.of(r.value()), java.math.BigDecimal::add);
            counts.merge(r.indicator(), 1, Integer::sum);
            samples.put(r.observedAt(), r.date().getMonthValue());
            ids.add(r.id());
        }
        boolean lake = "lake".equals(s.waterBody());
        Map<String, Double> values = new LinkedHashMap<>();
        sums.forEach((ind, sum) -> values.put(ind, Decimals.mean(sum, counts.get(ind), table.decimals(ind, lake))));
        WaterClasses.Result res = table.classify(values, lake, s.targetClass());
        int required = scope.equals("year") ? s.samplesPerYear() : 0;
        boolean judged = !scope.equals("year") || enough(samples.values(), required);
        String status = !judged ? "insufficient-data" : res.classNumber() == 0 ? "not-assessed" : "assessed";
        return new WaterAssessment(
                s.id(),
                s.kind(),
                scope,
                period,
                values,
                res.classes(),
                res.classNumber(),
                s.targetClass(),
                res.worstParameters(),
                samples.size(),
                ids,
                res.separate(),
                res.exceedances(),
                judged,
                status,
                required);
    }

    /** At least {@code required} samples, and one in each of the year's {@code required} equal parts. */
    static boolean enough(java.util.Collection<Integer> sampleMonths, int required) {
        if (sampleMonths.size() < required) {
            return false;
        }
        int span = 12 / required;
        boolean[] covered = new boolean[required];
        for (int month : sampleMonths) {
            covered[(month - 1) / span] = true;
        }
        for (boolean c : covered) {
            if (!c) {
                return false;
            }
        }
        return true;
    }

    /**
     * The compliance rate of county-level drinking-water sources of a region in a month, from each source's
     * monthly assessment; sources without samples that month are not counted.
     */
    public static DrinkingWaterCompliance compliance(String region, String month, List<WaterAssessment> monthly) {
        int sources = 0;
        int compliant = 0;
        List<String> non = new ArrayList<>();
        for (WaterAssessment a : monthly) {
            if (a.classNumber() == 0) {
                continue;
            }
            sources++;
            if (a.worseThanTarget()) {
                non.add(a.subject());
            } else {
                compliant++;
            }
        }
        return new DrinkingWaterCompliance(
                region, month, sources, compliant, sources == 0 ? 100.0 : 100.0 * compliant / sources, non);
    }

    public static boolean countyLevel(Subject s) {
        return s.kind().equals("drinking-water-source")
                && !"township".equals(s.settings().get("level"));
    }
}
