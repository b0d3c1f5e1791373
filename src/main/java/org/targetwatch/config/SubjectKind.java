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
