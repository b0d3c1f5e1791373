package org.targetwatch.facts;

import java.time.LocalDate;
import java.util.List;

/**
 * T06 「城乡居民收入增速与经济发展基本同步」: one income growth series of a subject (urban {@code TARGET_T06_URBAN},
 * rural {@code TARGET_T06_RURAL}, or combined {@code TARGET_T06}) against the GDP growth ({@code TARGET_T01})
 * reported for the same subject and the same period end, both year on year in %.
 *
 * @param series       the income indicator
 * @param date         the period end both readings are dated
 * @param incomeGrowth the income growth, %
 * @param gdpGrowth    the GDP growth of the same period, %
 */
public record IncomeInStep(
        String subject, String series, LocalDate date, double incomeGrowth, double gdpGrowth, List<Long> readingIds)
        implements Scope.Covered {

    /** Income growth minus GDP growth, in percentage points (negative: income lags). */
    public double gap() {
        return org.targetwatch.common.Decimals.of(incomeGrowth)
                .subtract(org.targetwatch.common.Decimals.of(gdpGrowth))
                .doubleValue();
    }

    public String describe() {
        return series + " 增长 " + incomeGrowth + "%, 同期地区生产总值增长 " + gdpGrowth + "% / income growth " + incomeGrowth
                + "%, GDP growth of the same period " + gdpGrowth + "%";
    }

    @Override
    public List<Scope> scopes() {
        return List.of(new Scope(subject, series, date.toString(), gap(), readingIds));
    }
}
