package org.targetwatch.stats;

import org.targetwatch.facts.DrinkingWaterCompliance;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.facts.WaterAssessment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Water assessments from stored samples. A sample is the set of a subject's water readings with the same
 * {@code observedAt}. A period's value of a parameter is the arithmetic mean of its samples in the period
 * (环办〔2011〕22号: several samples → arithmetic mean), then classified like a sample.
 */
public final class WaterStats {
    private WaterStats() {
    }

    /** Assessment of the readings of one subject (one sample, or every sample of a period). */
    public static WaterAssessment assess(WaterClasses table, Subject s, String scope, String period,
                                         List<Reading> readings) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<Instant, Boolean> samples = new TreeMap<>();
        List<Long> ids = new ArrayList<>();
        for (Reading r : readings) {
            if (!table.covers(r.indicator())) {
                continue;
            }
            double[] acc = sums.computeIfAbsent(r.indicator(), k -> new double[2]);
            acc[0] += r.value();
            acc[1]++;
            samples.put(r.observedAt(), true);
            ids.add(r.id());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        sums.forEach((ind, acc) -> values.put(ind, acc[0] / acc[1]));
        WaterClasses.Result res = table.classify(values, "lake".equals(s.waterBody()));
        return new WaterAssessment(s.id(), s.kind(), scope, period, values, res.classes(), res.classNumber(),
                s.targetClass(), res.worstParameters(), samples.size(), ids);
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
        return new DrinkingWaterCompliance(region, month, sources, compliant,
                sources == 0 ? 100.0 : 100.0 * compliant / sources, non);
    }

    public static boolean countyLevel(Subject s) {
        return s.kind().equals("drinking-water-source") && !"township".equals(s.settings().get("level"));
    }
}
