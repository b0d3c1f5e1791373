package org.targetwatch.ingest;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.config.SubjectKind;
import org.targetwatch.config.SubjectKind.Setting;
import org.targetwatch.facts.Subject;

/**
 * Validates a subject registration: id, kind, name, region and the settings allowed for the kind. Errors name the
 * field ({@code settings.targetClass} for a setting) and, in an array, the item index.
 */
public final class SubjectParser {
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
        Map<String, Map<String, Setting>> kinds = SubjectKind.registered();
        if (kind != null && !kinds.containsKey(kind)) {
            errors.add(new FieldError(index, "kind", "kind must be one of " + kinds.keySet()));
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
                Setting setting = kinds.get(kind).get(key);
                Object parsed = setting == null ? null : setting.parse().apply(v);
                if (setting == null) {
                    errors.add(new FieldError(
                            index,
                            field,
                            "not a setting of kind " + kind + "; allowed: "
                                    + kinds.get(kind).keySet()));
                } else if (parsed == null) {
                    errors.add(new FieldError(index, field, setting.rule()));
                } else {
                    settings.put(key, parsed);
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new Subject(id, kind, name, region == null ? "" : region, settings);
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
