package org.targetwatch.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A kind of subject a domain module brings (air-station, water-section, village, ...) and the settings it allows.
 * A module registers its kinds in {@code META-INF/services/org.targetwatch.config.SubjectKind}; several modules may
 * bring the same kind (every domain reports for districts), and its settings are then the union of theirs. So a
 * new domain adds its own kinds of subject without an edit to the parser or the catalog.
 */
public abstract class SubjectKind {
    private final String kind;
    private final Map<String, Setting> settings;

    /** @param settings the settings this module adds to the kind, by key */
    protected SubjectKind(String kind, Map<String, Setting> settings) {
        this.kind = kind;
        this.settings = Map.copyOf(settings);
    }

    /**
     * One setting of a kind.
     *
     * @param parse the stored value of a given JSON value, or null if the value is not allowed
     * @param rule  what is allowed, for the error message ("must be river or lake")
     */
    public record Setting(Function<Object, Object> parse, String rule) {
        /** A string among {@code values}. */
        public static Setting oneOf(String rule, String... values) {
            List<String> allowed = List.of(values);
            return new Setting(v -> v instanceof String s && allowed.contains(s) ? s : null, rule);
        }

        /** A date, YYYY-MM-DD, stored as its text. */
        public static Setting date(String rule) {
            return new Setting(
                    v -> {
                        if (!(v instanceof String s)) {
                            return null;
                        }
                        try {
                            LocalDate.parse(s);
                            return s;
                        } catch (DateTimeParseException e) {
                            return null;
                        }
                    },
                    rule);
        }

        /** An integer among {@code values}. */
        public static Setting integerOf(String rule, List<Integer> values) {
            return new Setting(v -> v instanceof Integer n && values.contains(n) ? n : null, rule);
        }

        /** What {@link #hj212()} allows, for the error message. */
        public static final String HJ212_RULE = "must be an object {\"mn\": the data logger's MN (1-64 characters,"
                + " no ; , = &), \"password\": its PW (at most 64 characters), \"hourLabel\"?: start or end"
                + " (whether DataTime of an hourly value is the start or the end of its hour; default start),"
                + " \"units\"?: {pollutant code: unit the logger sends it in, one of " + Units.names() + "}}";

        private static final java.util.regex.Pattern HJ212_MN =
                java.util.regex.Pattern.compile("[^;,=&\\s\\p{Cntrl}]{1,64}");
        private static final java.util.regex.Pattern HJ212_CODE = java.util.regex.Pattern.compile("[A-Za-z0-9]{1,16}");

        /**
         * The HJ 212 identity of a subject a data logger reports for (see {@link #HJ212_RULE}), stored as the
         * object given. The MN is unique among subjects (a unique index refuses a second with 409).
         */
        public static Setting hj212() {
            return new Setting(
                    v -> {
                        io.vertx.core.json.JsonObject o = v instanceof io.vertx.core.json.JsonObject j
                                ? j
                                : v instanceof Map<?, ?> m ? new io.vertx.core.json.JsonObject(castMap(m)) : null;
                        if (o == null) {
                            return null;
                        }
                        for (String key : o.fieldNames()) {
                            if (!List.of("mn", "password", "hourLabel", "units").contains(key)) {
                                return null;
                            }
                        }
                        if (!(o.getValue("mn") instanceof String mn)
                                || !HJ212_MN.matcher(mn).matches()) {
                            return null;
                        }
                        if (!(o.getValue("password") instanceof String pw)
                                || pw.length() > 64
                                || !pw.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ',')) {
                            return null;
                        }
                        Object label = o.getValue("hourLabel");
                        if (label != null && !"start".equals(label) && !"end".equals(label)) {
                            return null;
                        }
                        Object units = o.getValue("units");
                        if (units != null) {
                            if (!(units instanceof io.vertx.core.json.JsonObject || units instanceof Map)) {
                                return null;
                            }
                            io.vertx.core.json.JsonObject u = o.getJsonObject("units");
                            for (String code : u.fieldNames()) {
                                if (!HJ212_CODE.matcher(code).matches()
                                        || !(u.getValue(code) instanceof String unit)
                                        || !Units.known(unit)) {
                                    return null;
                                }
                            }
                        }
                        return o.getMap();
                    },
                    HJ212_RULE);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> castMap(Map<?, ?> m) {
            return (Map<String, Object>) m;
        }

        /** Any non-empty text (a reference checked elsewhere, such as an air station's district). */
        public static Setting text(String rule) {
            return new Setting(v -> v instanceof String s && !s.isBlank() ? s : null, rule);
        }
    }

    /** Every registered kind with the union of its settings, by kind name (sorted). */
    public static Map<String, Map<String, Setting>> registered() {
        return Registered.KINDS;
    }

    /** Holder of the kinds found once by the service loader. */
    private static final class Registered {
        private static final Map<String, Map<String, Setting>> KINDS = load();

        private static Map<String, Map<String, Setting>> load() {
            Map<String, Map<String, Setting>> out = new TreeMap<>();
            for (SubjectKind k : ServiceLoader.load(SubjectKind.class)) {
                Map<String, Setting> merged = out.computeIfAbsent(k.kind, x -> new LinkedHashMap<>());
                k.settings.forEach((key, setting) -> {
                    if (merged.putIfAbsent(key, setting) != null) {
                        throw new IllegalStateException("setting " + key + " of kind " + k.kind + " is defined twice");
                    }
                });
            }
            Map<String, Map<String, Setting>> frozen = new TreeMap<>();
            out.forEach((kind, s) -> frozen.put(kind, Collections.unmodifiableMap(s)));
            return Collections.unmodifiableMap(frozen);
        }

        private Registered() {}
    }
}
