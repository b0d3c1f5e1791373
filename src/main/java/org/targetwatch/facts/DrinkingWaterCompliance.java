package org.targetwatch.facts;

import java.util.List;

/**
 * 县级以上集中式饮用水水源地水质达标率 of one region and month: county-level sources whose monthly mean meets its
 * target class, as a percentage of the county-level sources with samples that month.
 */
public record DrinkingWaterCompliance(
        String region, String month, int sources, int compliant, double rate, List<String> nonCompliant)
        implements Scope.Covered {

    public java.time.LocalDate monthStart() {
        return java.time.YearMonth.parse(month).atDay(1);
    }

    /** The alert subject: the region, or {@code all-regions} for sources registered without one. */
    public String subject() {
        return region.isEmpty() ? "all-regions" : region;
    }

    @Override
    public List<Scope> scopes() {
        return List.of(new Scope(subject(), "DRINKING_WATER_COMPLIANCE", month, rate, List.of()));
    }
}
