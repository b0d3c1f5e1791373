package org.targetwatch.facts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data flags of HJ 212-2017 (数据标记, table 4 of the standard) and what they mean. {@code N} marks a valid
 * value and is stored as no flag; every other flag marks a value that is kept with its reading and shown, but is
 * not a valid value: HJ 663-2013 counts only valid hourly values, so a flagged hour is a missing hour for the day's
 * statistics, and a flagged value is no fact of a rule evaluation.
 */
public final class DataFlags {
    /** The valid flag. */
    public static final String VALID = "N";

    /** Every flag that marks a value as not valid, with its Chinese and English names. */
    public static final Map<String, String> NOT_VALID = names();

    private DataFlags() {}

    private static Map<String, String> names() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("F", "停运 / station stopped");
        m.put("M", "维护 / maintenance");
        m.put("S", "手工输入 / manual entry");
        m.put("D", "故障 / fault");
        m.put("C", "校准 / calibration");
        m.put("T", "超测上限 / above the measuring range");
        m.put("B", "通讯异常 / communication failure");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether {@code flag} is one of the standard's flags ({@code N} included). */
    public static boolean known(String flag) {
        return VALID.equals(flag) || NOT_VALID.containsKey(flag);
    }

    /** The flag as stored: null for {@code N} (a valid value), else the flag itself. */
    public static String stored(String flag) {
        return VALID.equals(flag) ? null : flag;
    }
}
