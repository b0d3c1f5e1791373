package org.targetwatch.facts;

import java.time.LocalDate;
import java.util.List;

/** New debt so far in a year against the quota issued for that year (the latest of each reported). */
public record DebtQuotaCheck(
        String subject, int year, LocalDate date, double newDebt, double quota, List<Long> readingIds)
        implements Scope.Covered {
    public String period() {
        return String.valueOf(year);
    }

    @Override
    public List<Scope> scopes() {
        return List.of(new Scope(subject, "DEBT_NEW", period(), newDebt, readingIds));
    }
}
