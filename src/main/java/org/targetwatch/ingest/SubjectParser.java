package org.targetwatch.ingest;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.facts.Subject;

/**
 * Validates a subject registration: id, kind, name, region and the settings allowed for the kind. Errors name the
 * field ({@code settings.targetClass} for a setting) and, in an array, the item index.
 */
public final class SubjectParser {
    private static final Map<String, Set<String>> SETTINGS = Map.of(
            "air-station", Set.of("district", "hourLabel"),
            "water-section", Set.of("targetClass", "waterBody", "control", "samplesPerYear"),
            "drinking-water-source", Set.of("targetClass", "waterBody", "level", "samplesPerYear"),
            "village", Set.of("debtClearanceDeadline"),
            "township", Set.of(),
            "water-plant", Set.of(),
            "district", Set.of("airStandardFrom"));

    /** Sampling plans whose required periods divide the year evenly (each period = 12 / n months). */
    public static final List<Integer> SAMPLES_PER_YEAR = List.of(1, 2, 3, 4, 6, 12);

    /**
     * A subject id: a letter or digit (any script), then letters, digits and {@code . _ : -}, at most 128. It is
     * used in URL paths ({@code /api/v1/subjects/{id}}), so {@code .}, {@code ..} and separators are excluded.
     */
    public static final java.util.regex.Pattern ID =
            java.util.regex.Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._:-]{0,127}");

    private SubjectParser() {}

    /** Parses one subject object; problems are appended to {@code errors}. Returns null if any was found. */
    public static Subject parse(JsonObject o, Integer index, List<FieldError> errors) {
        int before = errors.size();
        String id = text(o, "id", index, errors, true);
        if (id != null && !ID.matcher(id).matches()) {
            errors.add(
                    new FieldError(
                            index,
                            "id",
                            "id must start with a letter or digit and may hold letters,"
                                    + " digits and . _ : - (at most 128 characters); '.', '..' and path separators are refused"));
        }
        String kind = text(o, "kind", index, errors, true);
        if (kind != null && !Subject.KINDS.contains(kind)) {
            errors.add(new FieldError(index, "kind", "kind must be one of " + Subject.KINDS));
            kind = null;
        }
        String name = text(o, "name", index, errors, true);
        String region = text(o, "region", index, errors, false);
        Map<String, Object> settings = new LinkedHashMap<>();
        Object rawSettings = o.getValue("settings");
        if (rawSettings != null && !(rawSettings instanceof JsonObject)) {
            errors.add(new FieldError(index, "settings", "settings must be an object"));
        } else if (rawSettings != null && kind != null) {
            JsonObject s = (JsonObject) rawSettings;
            for (String key : s.fieldNames()) {
                Object v = s.getValue(key);
                String field = "settings." + key;
                if (!SETTINGS.get(kind).contains(key)) {
                    errors.add(new FieldError(
                            index, field, "not a setting of kind " + kind + "; allowed: " + SETTINGS.get(kind)));
                } else if (key.equals("samplesPerYear")) {
                    if (v instanceof Integer n && SAMPLES_PER_YEAR.contains(n)) {
                        settings.put(key, n);
                    } else {
                        errors.add(new FieldError(index, field, allowedValues(key)));
                    }
                } else if (!(v instanceof String str) || str.isBlank()) {
                    errors.add(new FieldError(index, field, "must be a non-empty string"));
                } else if (!validSetting(key, str)) {
                    errors.add(new FieldError(index, field, allowedValues(key)));
                } else {
                    settings.put(key, str);
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new Subject(id, kind, name, region == null ? "" : region, settings);
    }

    private static boolean validSetting(String key, String v) {
        return switch (key) {
            case "targetClass" -> Subject.WATER_CLASSES.contains(v);
            case "waterBody" -> v.equals("river") || v.equals("lake");
            case "control" ->
                List.of("national", "provincial", "municipal", "other").contains(v);
            case "level" -> v.equals("county") || v.equals("township");
            case "debtClearanceDeadline", "airStandardFrom" -> isDate(v);
            case "hourLabel" -> v.equals("start") || v.equals("end");
            default -> true;
        };
    }

    private static String allowedValues(String key) {
        return switch (key) {
            case "targetClass" -> "must be one of " + Subject.WATER_CLASSES + " (GB 3838-2002 class)";
            case "waterBody" -> "must be river or lake";
            case "control" -> "must be national, provincial, municipal or other";
            case "level" -> "must be county (county level and above) or township";
            case "debtClearanceDeadline" -> "must be a date, e.g. 2023-12-31";
            case "airStandardFrom" ->
                "must be a date, e.g. 2013-01-01 (the day GB 3095-2012 / HJ 633-2012 took"
                        + " effect in the district; nationwide 2016-01-01)";
            case "hourLabel" ->
                "must be start (an hourly value is labelled by the start of its hour) or end"
                        + " (by its end: the value of 15:00-16:00 is labelled 16:00)";
            case "samplesPerYear" ->
                "must be one of " + SAMPLES_PER_YEAR + " (an integer: monthly samples the"
                        + " monitoring plan requires a year)";
            default -> "invalid value";
        };
    }

    private static boolean isDate(String v) {
        try {
            LocalDate.parse(v);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String text(JsonObject o, String field, Integer index, List<FieldError> errors, boolean required) {
        Object v = o.getValue(field);
        if (v == null) {
            if (required) {
                errors.add(new FieldError(index, field, "is required"));
            }
            return null;
        }
        if (!(v instanceof String s) || s.isBlank() || s.length() > 200) {
            errors.add(new FieldError(index, field, "must be a non-empty string of at most 200 characters"));
            return null;
        }
        if (StrictJson.notPlainLine(s)) {
            errors.add(new FieldError(index, field, "must not contain control characters or lone surrogates"));
            return null;
        }
        return s.strip();
    }

    /** Checks the references between subjects of one request and those stored (an air station's district). */
    public static List<FieldError> checkReferences(List<Subject> subjects, Map<String, Subject> known) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            Subject s = subjects.get(i);
            String district = s.district();
            if (district != null) {
                Subject d = known.get(district);
                if (d == null || !d.kind().equals("district")) {
                    errors.add(new FieldError(
                            subjects.size() == 1 ? null : i,
                            "settings.district",
                            "'" + district + "' is not a registered subject of kind district"));
                }
            }
        }
        return errors;
    }
}
