package org.targetwatch.stats;

import java.util.Arrays;

/**
 * Percentiles as HJ 663-2013 defines them for annual evaluation: sort the n values ascending (X1 ≤ ... ≤ Xn);
 * k = 1 + (n − 1) · p / 100; s = the integer part of k; m_p = X_s + (X_{s+1} − X_s) · (k − s). The catalog marks
 * the formula PARTIAL (read in implementations, not in the standard's text).
 */
public final class Percentile {
    private Percentile() {
    }

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
}
