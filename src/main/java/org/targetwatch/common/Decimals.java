package org.targetwatch.common;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Decimal arithmetic for statistics that are compared with a published limit (issue: binary means such as
 * (0.1 + 0.1 + 0.1) / 3 = 0.10000000000000002 crossed limits they equal).
 *
 * <p>Contract:
 * <ul>
 *   <li>A stored reading's value is taken as the decimal it was written as ({@link BigDecimal#valueOf(double)}:
 *       the shortest decimal that reads back as the same double, so 0.1 is exactly 0.1).</li>
 *   <li>Means are exact decimal quotients, rounded only once, to the precision asked for.</li>
 *   <li>Rounding is GB/T 8170-2008 §3.2 进舍规则: a dropped part below half is dropped, above half carries, and
 *       exactly half carries only when the kept last digit would otherwise be odd (四舍六入五成双), which is
 *       {@link RoundingMode#HALF_EVEN} on the decimal value.</li>
 * </ul>
 */
public final class Decimals {
    /** Exact enough for every intermediate quotient (34 significant digits). */
    private static final MathContext EXACT = MathContext.DECIMAL128;

    private Decimals() {}

    /** The decimal a double value was written as. */
    public static BigDecimal of(double v) {
        return BigDecimal.valueOf(v);
    }

    /** {@code v} rounded by GB/T 8170 to {@code decimals} places. */
    public static BigDecimal round(BigDecimal v, int decimals) {
        return v.setScale(decimals, RoundingMode.HALF_EVEN);
    }

    /** {@code v} (as written) rounded by GB/T 8170 to {@code decimals} places, as a double. */
    public static double round(double v, int decimals) {
        return round(of(v), decimals).doubleValue();
    }

    /** The exact mean of the values, or null for none. */
    public static BigDecimal mean(List<BigDecimal> values) {
        if (values.isEmpty()) {
            return null;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (BigDecimal v : values) {
            sum = sum.add(v);
        }
        return divide(sum, values.size());
    }

    /** {@code sum / n}, exact to 34 significant digits (then rounded once by the caller). */
    public static BigDecimal divide(BigDecimal sum, int n) {
        return sum.divide(BigDecimal.valueOf(n), EXACT);
    }

    /**
     * {@code sum / n} rounded once, straight from the exact quotient, to {@code decimals} places (null: to 34
     * significant digits), as a double.
     */
    public static double mean(BigDecimal sum, int n, Integer decimals) {
        BigDecimal count = BigDecimal.valueOf(n);
        return (decimals == null ? sum.divide(count, EXACT) : sum.divide(count, decimals, RoundingMode.HALF_EVEN))
                .doubleValue();
    }

    /** {@code v} rounded to {@code decimals} when not null, as a double. */
    public static double value(BigDecimal v, Integer decimals) {
        return (decimals == null ? v : round(v, decimals)).doubleValue();
    }
}
