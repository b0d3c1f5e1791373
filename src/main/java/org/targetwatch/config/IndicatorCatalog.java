package org.targetwatch.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The indicators TargetWatch accepts, loaded once at startup from the catalog file. Immutable. */
public final class IndicatorCatalog {
    /**
     * A category names a domain (air, water, debt, safety, target, or a new domain's own): lower-case letters and
     * hyphens. {@code system} is TargetWatch's own (missing data) and not an indicator's.
     */
    private static final java.util.regex.Pattern CATEGORY = java.util.regex.Pattern.compile("[a-z][a-z-]{0,31}");

    private static final Set<String> FREQUENCIES = Set.of("hourly", "sample", "period");

    private final Map<String, Indicator> byCode;
    private final Map<String, Indicator> byHeader;

    private IndicatorCatalog(Map<String, Indicator> byCode, Map<String, Indicator> byHeader) {
        this.byCode = Collections.unmodifiableMap(byCode);
        this.byHeader = Map.copyOf(byHeader);
    }

    /** Reads and validates the catalog; any defect throws {@link InvalidConfigException} naming the entry. */
    public static IndicatorCatalog load(Path file) {
        String key = "indicatorsFile";
        JsonObject root = ConfigSchemas.read(key, file, "indicators.json", "indicator catalog");
        JsonArray list = root.getJsonArray("indicators");
        if (list == null || list.isEmpty()) {
            throw new InvalidConfigException(key, file + " has no 'indicators' array");
        }
        Map<String, Indicator> map = new LinkedHashMap<>();
        Map<String, Indicator> headers = new java.util.HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject o = list.getJsonObject(i);
            String where = file + " indicators[" + i + "]";
            try {
                Indicator ind = new Indicator(
                        req(o, "code"),
                        req(o, "nameZh"),
                        req(o, "nameEn"),
                        req(o, "unit"),
                        req(o, "category"),
                        req(o, "frequency"),
                        o.getDouble("min"),
                        o.getDouble("max"),
                        o.getBoolean("integer", false),
                        kinds(o),
                        o.getInteger("missingAfterMinutes"),
                        aliases(o));
                if (ind.category() == null
                        || !CATEGORY.matcher(ind.category()).matches()
                        || ind.category().equals("system")) {
                    throw new IllegalArgumentException("category must be a domain's name: lower-case letters and"
                            + " hyphens (air, water, debt, safety, target, ...), not system");
                }
                if (!FREQUENCIES.contains(ind.frequency())) {
                    throw new IllegalArgumentException("frequency must be one of " + FREQUENCIES);
                }
                if (!(ind.min() <= ind.max())) {
                    throw new IllegalArgumentException("min must not exceed max");
                }
                if (map.put(ind.code(), ind) != null) {
                    throw new IllegalArgumentException("duplicate code " + ind.code());
                }
                for (String name : headerNames(ind)) {
                    Indicator other = headers.put(name, ind);
                    if (other != null && other != ind) {
                        throw new IllegalArgumentException(
                                "header name '" + name + "' names both " + other.code() + " and " + ind.code());
                    }
                }
            } catch (RuntimeException e) {
                throw new InvalidConfigException(key, where + ": " + e.getMessage());
            }
        }
        return new IndicatorCatalog(map, headers);
    }

    private static List<String> aliases(JsonObject o) {
        JsonArray a = o.getJsonArray("aliases");
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(x -> out.add((String) x));
        }
        return List.copyOf(out);
    }

    /** The code and aliases of an indicator as header keys: lower case, no spaces. */
    private static List<String> headerNames(Indicator ind) {
        List<String> out = new ArrayList<>();
        out.add(headerKey(ind.code()));
        ind.aliases().forEach(a -> out.add(headerKey(a)));
        return out;
    }

    /** A column header as a key: lower case, without spaces (a bracketed unit is cut by the caller). */
    public static String headerKey(String header) {
        return header.strip().replace(" ", "").replace("\u3000", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> kinds(JsonObject o) {
        JsonArray a = o.getJsonArray("subjectKinds");
        if (a == null || a.isEmpty()) {
            throw new IllegalArgumentException("missing 'subjectKinds'");
        }
        List<String> out = new ArrayList<>();
        for (Object k : a) {
            if (!(k instanceof String s) || !SubjectKind.registered().containsKey(s)) {
                throw new IllegalArgumentException("subjectKinds: unknown kind " + k + "; known: "
                        + SubjectKind.registered().keySet());
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static String req(JsonObject o, String field) {
        String v = o.getString(field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v;
    }

    public Optional<Indicator> find(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /** The indicator a column header key ({@link #headerKey}) names by its code or an alias. */
    public Optional<Indicator> findByHeader(String key) {
        return Optional.ofNullable(byHeader.get(key));
    }

    public Collection<Indicator> all() {
        return byCode.values();
    }
}
