package org.targetwatch.domain.water;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.Decimals;

/**
 * The GB 3838-2002 class table (loaded from {@code rules/gb3838-2002.json}) and the single-factor method of
 * 环办〔2011〕22号. Immutable.
 *
 * <p>Contract:
 * <ul>
 *   <li>A value is first rounded by GB/T 8170 to the precision of its row's limits ({@code decimals},
 *       {@code lakeDecimals}); a parameter's class is then the best class (1 = I ... 5 = V) whose limit it meets
 *       (at a limit it meets the class), 6 (劣V) when it meets none.</li>
 *   <li>A sample's or a mean's class is the worst class of its assessed parameters; 0 (not assessed) when none.</li>
 *   <li>Separate parameters (湖库总氮, 粪大肠菌群) get their own class but stay out of the section class; a lake-only
 *       row (TN) gives a river's value no class at all.</li>
 *   <li>Main pollutants (主要污染指标, 22号): the assessed parameters worse than class III, worst class first and,
 *       within a class, by 超标倍数 over the class III limit, at most three. pH and DO have no 超标倍数 (22号: 水温、
 *       pH值和溶解氧等项目不计算超标倍数) and come after the others of their class.</li>
 *   <li>超标倍数 over the target class (GB 3838-2002 §5 asks it for a water failing its function): (value − limit)
 *       ÷ limit for every assessed parameter above its target class limit, rounded to 0.01.</li>
 * </ul>
 */
public final class WaterClasses {
    public static final String FILE = "gb3838-2002.json";

    /** One parameter's row of 表1. */
    record Parameter(
            String indicator,
            String op,
            double[] limits,
            double[] lakeLimits,
            boolean assessed,
            Integer decimals,
            Integer lakeDecimals,
            boolean separate,
            boolean lakeOnly) {}

    private final Map<String, Parameter> parameters;
    private final String source;

    private WaterClasses(Map<String, Parameter> parameters, String source) {
        this.parameters = parameters;
        this.source = source;
    }

    /** Parses the table; throws IllegalArgumentException naming the entry on any defect. */
    public static WaterClasses parse(String text) {
        JsonObject root = new JsonObject(text);
        JsonArray list = root.getJsonArray("parameters");
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException("missing 'parameters'");
        }
        Map<String, Parameter> map = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject o = list.getJsonObject(i);
            String ind = o.getString("indicator");
            String op = o.getString("op");
            double[] limits = doubles(o.getJsonArray("limits"));
            double[] lake = o.containsKey("lakeLimits") ? doubles(o.getJsonArray("lakeLimits")) : null;
            int expected = "range".equals(op) ? 2 : 5;
            if (ind == null
                    || !List.of("<=", ">=", "range").contains(op)
                    || limits.length != expected
                    || (lake != null && lake.length != expected)) {
                throw new IllegalArgumentException(
                        "parameters[" + i + "]: needs indicator, op (<=, >=, range) and " + expected + " limits");
            }
            Parameter p = new Parameter(
                    ind,
                    op,
                    limits,
                    lake,
                    o.getBoolean("assessed", true),
                    o.getInteger("decimals"),
                    o.getInteger("lakeDecimals"),
                    o.getBoolean("separate", false),
                    o.getBoolean("lakeOnly", false));
            checkPrecision(i, p.decimals(), limits);
            checkPrecision(i, p.lakeDecimals() == null ? p.decimals() : p.lakeDecimals(), lake);
            if (p.separate() && p.assessed()) {
                throw new IllegalArgumentException("parameters[" + i + "]: a separate parameter must have"
                        + " assessed: false (it stays out of the section class)");
            }
            map.put(ind, p);
        }
        return new WaterClasses(Collections.unmodifiableMap(map), root.getString("source", "GB 3838-2002"));
    }

    /** Every limit must be exact at the row's precision, or the rounding would move the limit itself. */
    private static void checkPrecision(int i, Integer decimals, double[] limits) {
        if (decimals == null || limits == null) {
            return;
        }
        for (double l : limits) {
            if (Decimals.of(l).stripTrailingZeros().scale() > decimals) {
                throw new IllegalArgumentException(
                        "parameters[" + i + "]: limit " + l + " has more than " + decimals + " decimals");
            }
        }
    }

    private static double[] doubles(JsonArray a) {
        if (a == null) {
            return new double[0];
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = ((Number) a.getValue(i)).doubleValue();
        }
        return out;
    }

    public static String name(int classNumber) {
        return org.targetwatch.facts.WaterAssessment.className(classNumber);
    }

    public String source() {
        return source;
    }

    public boolean covers(String indicator) {
        return parameters.containsKey(indicator);
    }

    public boolean assessed(String indicator) {
        Parameter p = parameters.get(indicator);
        return p != null && p.assessed();
    }

    /** Whether the parameter is evaluated on its own, outside the section class (湖库总氮, 粪大肠菌群). */
    public boolean separate(String indicator) {
        Parameter p = parameters.get(indicator);
        return p != null && p.separate();
    }

    /** The precision a value of the parameter is rounded to before it is classified (null: as given). */
    public Integer decimals(String indicator, boolean lake) {
        Parameter p = parameters.get(indicator);
        if (p == null) {
            return null;
        }
        return lake && p.lakeLimits() != null && p.lakeDecimals() != null ? p.lakeDecimals() : p.decimals();
    }

    /** {@code value} rounded by GB/T 8170 to the parameter's precision. */
    public double round(String indicator, double value, boolean lake) {
        Integer d = decimals(indicator, lake);
        return d == null ? value : Decimals.round(value, d);
    }

    /** The limit of class {@code classNumber} (1..5) for a {@code <=} parameter, or NaN (pH, DO, no row). */
    double upperLimit(String indicator, int classNumber, boolean lake) {
        Parameter p = parameters.get(indicator);
        if (p == null || !p.op().equals("<=") || classNumber < 1 || classNumber > 5) {
            return Double.NaN;
        }
        return (lake && p.lakeLimits() != null ? p.lakeLimits() : p.limits())[classNumber - 1];
    }

    /**
     * Class of one parameter value: 1..5, or 6 for 劣V; 0 when the indicator has no row in the table.
     * At a limit the value meets the class (≤ for most parameters, ≥ for DO, inclusive range for pH).
     */
    public int classify(String indicator, double value, boolean lake) {
        Parameter p = parameters.get(indicator);
        if (p == null || (p.lakeOnly() && !lake)) {
            return 0;
        }
        value = round(indicator, value, lake);
        double[] limits = lake && p.lakeLimits() != null ? p.lakeLimits() : p.limits();
        switch (p.op()) {
            case "range":
                return value >= limits[0] && value <= limits[1] ? 1 : 6;
            case ">=":
                for (int k = 0; k < 5; k++) {
                    if (value >= limits[k]) {
                        return k + 1;
                    }
                }
                return 6;
            default:
                for (int k = 0; k < 5; k++) {
                    if (value <= limits[k]) {
                        return k + 1;
                    }
                }
                return 6;
        }
    }

    /**
     * Per-parameter classes and the overall (worst assessed) class of a set of parameter values.
     *
     * @param classes         class of every parameter with one (separate ones included)
     * @param worstParameters the main pollutants of 22号 (empty unless the class is worse than III)
     * @param separate        class of each separate parameter
     * @param exceedances     超标倍数 over the target class limit of each assessed parameter above it
     */
    public record Result(
            Map<String, Integer> classes,
            int classNumber,
            List<String> worstParameters,
            Map<String, Integer> separate,
            Map<String, Double> exceedances) {
        public String className() {
            return classNumber == 0 ? null : name(classNumber);
        }
    }

    /** {@link #classify(Map, boolean, int)} for target class III. */
    public Result classify(Map<String, Double> values, boolean lake) {
        return classify(values, lake, 3);
    }

    /** The classes of {@code values} (already rounded or not) for a subject of target class {@code targetClass}. */
    public Result classify(Map<String, Double> values, boolean lake, int targetClass) {
        Map<String, Integer> classes = new LinkedHashMap<>();
        Map<String, Integer> separate = new LinkedHashMap<>();
        Map<String, Double> exceedances = new LinkedHashMap<>();
        int worst = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            int c = classify(e.getKey(), e.getValue(), lake);
            if (c == 0) {
                continue;
            }
            classes.put(e.getKey(), c);
            if (separate(e.getKey())) {
                separate.put(e.getKey(), c);
            }
            if (assessed(e.getKey())) {
                worst = Math.max(worst, c);
                double over = multiple(e.getKey(), e.getValue(), targetClass, lake);
                if (c > targetClass && !Double.isNaN(over)) {
                    exceedances.put(e.getKey(), Decimals.round(over, 2));
                }
            }
        }
        List<String> main = new ArrayList<>();
        for (Map.Entry<String, Integer> e : classes.entrySet()) {
            if (assessed(e.getKey()) && e.getValue() > 3) {
                main.add(e.getKey());
            }
        }
        java.util.Comparator<String> byClass = java.util.Comparator.comparing(classes::get);
        java.util.Comparator<String> byMultiple = java.util.Comparator.comparingDouble(k -> {
            double m = multiple(k, values.get(k), 3, lake);
            return Double.isNaN(m) ? Double.NEGATIVE_INFINITY : m;
        });
        main.sort(byClass.reversed().thenComparing(byMultiple.reversed()).thenComparing(k -> k));
        return new Result(
                classes, worst, List.copyOf(main.subList(0, Math.min(3, main.size()))), separate, exceedances);
    }

    /** 超标倍数 of a (rounded) value over the limit of class {@code classNumber}, or NaN where none is defined. */
    private double multiple(String indicator, double value, int classNumber, boolean lake) {
        double limit = upperLimit(indicator, classNumber, lake);
        if (Double.isNaN(limit) || limit <= 0) {
            return Double.NaN;
        }
        java.math.BigDecimal v = Decimals.of(round(indicator, value, lake));
        java.math.BigDecimal l = Decimals.of(limit);
        return v.subtract(l).divide(l, java.math.MathContext.DECIMAL64).doubleValue();
    }
}
