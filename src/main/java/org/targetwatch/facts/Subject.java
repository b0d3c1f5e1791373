package org.targetwatch.facts;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A registered subject: what readings are about. Immutable. {@code settings} holds the kind-specific settings,
 * already validated (see {@code ingest.SubjectParser}); the typed accessors give their defaults.
 */
public record Subject(String id, String kind, String name, String region, Map<String, Object> settings) {
    public static final List<String> WATER_CLASSES = List.of("I", "II", "III", "IV", "V");

    public Subject {
        settings = Map.copyOf(settings);
    }

    /** Target class of a water section or source as 1 (I) to 5 (V); default III. */
    public int targetClass() {
        Object v = settings.get("targetClass");
        return v == null ? 3 : WATER_CLASSES.indexOf(v.toString()) + 1;
    }

    /** {@code river} (default) or {@code lake}: GB 3838-2002 sets different TP limits for lakes and reservoirs. */
    public String waterBody() {
        Object v = settings.get("waterBody");
        return v == null ? "river" : v.toString();
    }

    /** The district an air station belongs to, or null. */
    public String district() {
        Object v = settings.get("district");
        return v == null ? null : v.toString();
    }

    /** The nationwide date from which GB 3095-2012 / HJ 633-2012 apply (环发〔2012〕11号 schedule, last stage). */
    public static final LocalDate NATIONWIDE_AIR_STANDARD_FROM = LocalDate.of(2016, 1, 1);

    /**
     * The day from which GB 3095-2012 / HJ 633-2012 / HJ 663-2013 apply to a district (setting
     * {@code airStandardFrom}); default 2016-01-01. Its stations inherit it. Meaningful for districts.
     */
    public LocalDate airStandardFrom() {
        Object v = settings.get("airStandardFrom");
        return v == null ? NATIONWIDE_AIR_STANDARD_FROM : LocalDate.parse(v.toString());
    }

    /** How an air station labels its hourly values: {@code start} (default) or {@code end} of the hour. */
    public String hourLabel() {
        Object v = settings.get("hourLabel");
        return v == null ? "start" : v.toString();
    }

    /**
     * Monthly samples a year the monitoring plan of a water section or source requires (setting
     * {@code samplesPerYear}): default 12 for national and provincial control sections and for drinking-water
     * sources, 4 for other sections.
     */
    public int samplesPerYear() {
        Object v = settings.get("samplesPerYear");
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (kind.equals("drinking-water-source")) {
            return 12;
        }
        Object control = settings.get("control");
        return "national".equals(control) || "provincial".equals(control) ? 12 : 4;
    }

    /** A village's deadline for clearing its debt, or null. */
    public LocalDate debtClearanceDeadline() {
        Object v = settings.get("debtClearanceDeadline");
        return v == null ? null : LocalDate.parse(v.toString());
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("kind", kind)
                .put("name", name)
                .put("region", region)
                .put("settings", new JsonObject(new java.util.LinkedHashMap<>(settings)));
    }
}
