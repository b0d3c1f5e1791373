package org.targetwatch.facts;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One production-safety accident: the SAFETY_ACCIDENT_* readings of a subject with the same observedAt, graded
 * by 国务院令第493号 ({@code gradeRank} 1 一般 .. 4 特别重大). Missing criteria count as 0.
 */
public record Accident(
        String subject,
        Instant observedAt,
        LocalDate date,
        double deaths,
        double seriousInjuries,
        double directLossWan,
        int gradeRank,
        String gradeName,
        List<Long> readingIds)
        implements Scope.Covered {

    /**
     * Alert period: the accident's time in ISO-8601 with +08:00 (e.g. {@code 2023-08-02T14:30:00+08:00}), so that
     * two accidents of one day are two alerts. Migration V12 moved periods stored in UTC onto this form.
     */
    public String period() {
        return org.targetwatch.common.Times.format(observedAt);
    }

    public String describe() {
        return gradeName + "事故: 死亡 " + (long) deaths + " 人, 重伤 " + (long) seriousInjuries + " 人, 直接经济损失 "
                + directLossWan + " 万元 / deaths " + (long) deaths + ", serious injuries " + (long) seriousInjuries
                + ", direct loss " + directLossWan + " 万元";
    }

    @Override
    public List<Scope> scopes() {
        return List.of(new Scope(subject, "SAFETY_ACCIDENT_GRADE", period(), gradeRank, readingIds));
    }
}
