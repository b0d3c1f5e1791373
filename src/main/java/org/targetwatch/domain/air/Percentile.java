package org.targetwatch.domain.air;

import java.util.Arrays;

/**
 * Percentiles as HJ 663-2013 defines them for annual evaluation: sort the n values ascending (X1 ≤ ... ≤ Xn);
 * k = 1 + (n − 1) · p / 100; s = the integer part of k; m_p = X_s + (X_{s+1} − X_s) · (k − s). The catalog marks
 * the formula PARTIAL (read in implementations, not in the standard's text).
 */
public final class Percentile {
    private Percentile() {}

    /** The p-th percentile (0–100) of the values; NaN for no values. Does not modify {@code values}. */
    public static double of(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] x = values.clone();
        Arrays.sort(x);
        double k = 1 + (x.length - 1) * p / 100.0;
        int s = (int) Math.floor(k);
        if (s >= x.length) {
            return x[x.length - 1];
        }
        return x[s - 1] + (x[s] - x[s - 1]) * (k - s);
    }

    /**
     * The same percentile in exact decimal arithmetic (k − s is a decimal fraction, since p is given to at most a
     * few places); null for no values.
     */
    public static java.math.BigDecimal of(java.util.List<java.math.BigDecimal> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        java.math.BigDecimal[] x = values.toArray(new java.math.BigDecimal[0]);
        Arrays.sort(x);
        java.math.BigDecimal k = java.math.BigDecimal.ONE.add(java.math.BigDecimal.valueOf(x.length - 1)
                .multiply(java.math.BigDecimal.valueOf(p))
                .divide(java.math.BigDecimal.valueOf(100)));
        int s = k.intValue();
        if (s >= x.length) {
            return x[x.length - 1];
        }
        java.math.BigDecimal frac = k.subtract(java.math.BigDecimal.valueOf(s));
        return x[s - 1].add(x[s].subtract(x[s - 1]).multiply(frac));
    }
}
