package org.targetwatch.config;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The units a value may arrive in from outside (an HJ 212 logger's {@code hj212.units}, {@code config/hj212.json},
 * a unit in a wide layout's column header), with what converts them into one another: mass concentrations in air
 * (per m³) and in water (per L) at the SI prefixes monitoring uses, and units that convert to nothing but
 * themselves. These are SI prefixes, not policy.
 */
public final class Units {
    /** A unit: values in units of the same dimension convert by the ratio of their scales. */
    private record Unit(String dimension, BigDecimal scale) {}

    private static final Map<String, Unit> UNITS = Map.of(
            "ng/m3", new Unit("mass/m3", new BigDecimal("1e-9")),
            "ug/m3", new Unit("mass/m3", new BigDecimal("1e-6")),
            "mg/m3", new Unit("mass/m3", new BigDecimal("1e-3")),
            "ng/L", new Unit("mass/L", new BigDecimal("1e-9")),
            "ug/L", new Unit("mass/L", new BigDecimal("1e-6")),
            "mg/L", new Unit("mass/L", new BigDecimal("1e-3")),
            "pH", new Unit("pH", BigDecimal.ONE),
            "count/L", new Unit("count/L", BigDecimal.ONE));

    private Units() {}

    /** Every unit known, sorted, for messages. */
    public static java.util.List<String> names() {
        return UNITS.keySet().stream().sorted().toList();
    }

    public static boolean known(String unit) {
        return UNITS.containsKey(unit);
    }

    /**
     * The factor a value in {@code from} is multiplied by to be in {@code to}, exact (1000 from mg/m3 to ug/m3).
     *
     * @throws IllegalArgumentException if either is unknown or they measure different things
     */
    public static BigDecimal factor(String from, String to) {
        Unit f = UNITS.get(from);
        Unit t = UNITS.get(to);
        if (f == null || t == null) {
            throw new IllegalArgumentException(
                    "unit '" + (f == null ? from : to) + "' is not one of " + String.join(", ", names()));
        }
        if (!f.dimension().equals(t.dimension())) {
            throw new IllegalArgumentException("'" + from + "' does not convert to '" + to + "'");
        }
        return f.scale().divide(t.scale()).stripTrailingZeros();
    }
}
