package org.targetwatch.ingest.hj212;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a data segment (数据段), HJ 212-2017 §6.3.3: {@code QN=...;ST=...;CN=...;PW=...;MN=...;Flag=...;
 * CP=&&...&&}. Read leniently, as real data loggers write it: fields in any order, unknown fields (PNUM, PNO, ...)
 * ignored, a trailing {@code ;} anywhere, empty groups skipped. Inside {@code CP}, groups are separated by {@code ;}
 * and the fields of a group by {@code ,}; a field {@code a34004-Avg=35} is the {@code Avg} of pollutant
 * {@code a34004}, and {@code DataTime} the time the values are of.
 *
 * @param flag     the packet's Flag, or -1 when it has none; bit 0 (A) asks for an answer
 * @param dataTime the CP's DataTime as sent (14 digits, sometimes with milliseconds), or null
 * @param values   by pollutant code, its fields by suffix ({@code Avg}, {@code Flag}, {@code Rtd}, ...), in order
 */
public record Hj212Packet(
        String qn,
        String st,
        String cn,
        String pw,
        String mn,
        int flag,
        String dataTime,
        Map<String, Map<String, String>> values) {

    /** Whether the packet asks for an answer (Flag bit A). */
    public boolean wantsAnswer() {
        return flag >= 0 && (flag & 1) == 1;
    }

    /** A data segment that lacks a required field (CN or MN), or whose Flag is no number. */
    public static final class BadPacketException extends Exception {
        public BadPacketException(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the fields of a valid frame's data segment. */
    public static Hj212Packet parse(String data) throws BadPacketException {
        int cp = data.indexOf("CP=&&");
        String head = cp < 0 ? data : data.substring(0, cp);
        String body = "";
        if (cp >= 0) {
            int start = cp + "CP=&&".length();
            int end = data.lastIndexOf("&&");
            body = end >= start ? data.substring(start, end) : data.substring(start);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : head.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(
                        part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        String cn = fields.get("CN");
        String mn = fields.get("MN");
        if (cn == null || cn.isEmpty()) {
            throw new BadPacketException("the packet has no CN (command code)");
        }
        if (mn == null || mn.isEmpty()) {
            throw new BadPacketException("the packet has no MN (device id)");
        }
        int flag = -1;
        String f = fields.get("Flag");
        if (f != null && !f.isEmpty()) {
            try {
                flag = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                throw new BadPacketException("the packet's Flag '" + f + "' is not a number");
            }
        }
        String dataTime = null;
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        for (String group : body.split(";")) {
            for (String field : group.split(",")) {
                int eq = field.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = field.substring(0, eq).strip();
                String value = field.substring(eq + 1).strip();
                int dash = key.lastIndexOf('-');
                if (key.equals("DataTime")) {
                    dataTime = value;
                } else if (dash > 0) {
                    values.computeIfAbsent(key.substring(0, dash), k -> new LinkedHashMap<>())
                            .putIfAbsent(key.substring(dash + 1), value);
                }
            }
        }
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        values.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return new Hj212Packet(
                fields.get("QN"),
                fields.get("ST"),
                cn,
                fields.get("PW"),
                mn,
                flag,
                dataTime,
                Collections.unmodifiableMap(frozen));
    }
}
