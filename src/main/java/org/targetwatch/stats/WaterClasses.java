package org.targetwatch.stats;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GB 3838-2002 class table (loaded from {@code rules/gb3838-2002.json}) and the single-factor method:
 * a parameter's class is the best class (1 = I ... 5 = V) whose limit it meets, 6 (劣V) when it meets none; a
 * sample's or a mean's class is the worst class of its assessed parameters. Immutable.
 */
public final class WaterClasses {
    public static final String FILE = "gb3838-2002.json";
    private static final String[] NAMES = {"I", "II", "III", "IV", "V", "劣V"};

    /** One parameter's row of 表1. */
    record Parameter(String indicator, String op, double[] limits, double[] lakeLimits, boolean assessed) {
    }

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
            if (ind == null || !List.of("<=", ">=", "range").contains(op) || limits.length != expected
                    || (lake != null && lake.length != expected)) {
                throw new IllegalArgumentException("parameters[" + i + "]: needs indicator, op (<=, >=, range) and "
                        + expected + " limits");
            }
            map.put(ind, new Parameter(ind, op, limits, lake, o.getBoolean("assessed", true)));
        }
        return new WaterClasses(Collections.unmodifiableMap(map), root.getString("source", "GB 3838-2002"));
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
        return NAMES[classNumber - 1];
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

    /**
     * Class of one parameter value: 1..5, or 6 for 劣V; 0 when the indicator has no row in the table.
     * At a limit the value meets the class (≤ for most parameters, ≥ for DO, inclusive range for pH).
     */
    public int classify(String indicator, double value, boolean lake) {
        Parameter p = parameters.get(indicator);
        if (p == null) {
            return 0;
        }
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

    /** Per-parameter classes and the overall (worst assessed) class of a set of parameter values. */
    public record Result(Map<String, Integer> classes, int classNumber, List<String> worstParameters) {
        public String className() {
            return classNumber == 0 ? null : name(classNumber);
        }
    }

    public Result classify(Map<String, Double> values, boolean lake) {
        Map<String, Integer> classes = new LinkedHashMap<>();
        int worst = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            int c = classify(e.getKey(), e.getValue(), lake);
            if (c == 0) {
                continue;
            }
            classes.put(e.getKey(), c);
            if (assessed(e.getKey())) {
                worst = Math.max(worst, c);
            }
        }
        List<String> worstParams = new ArrayList<>();
        for (Map.Entry<String, Integer> e : classes.entrySet()) {
            if (assessed(e.getKey()) && e.getValue() == worst && worstParams.size() < 3) {
                worstParams.add(e.getKey());
            }
        }
        return new Result(classes, worst, worstParams);
    }
}
