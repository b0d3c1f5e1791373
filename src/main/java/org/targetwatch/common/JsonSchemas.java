package org.targetwatch.common;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas (draft 2020-12) of TargetWatch's data files, {@code src/main/resources/schemas/<name>.schema.json}
 * for a file {@code <name>.json} of {@code rules/} or {@code config/}. A file is checked against its schema before it
 * is parsed, so that a wrong type or an unknown field is reported with the entry and field
 * ({@code thresholds[3].value: string found, number expected}), never as a Java exception. Keys starting with
 * {@code _} are comments everywhere. Thread-safe.
 */
public final class JsonSchemas {
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private JsonSchemas() {}

    /** The schema of the data file {@code fileName} ({@code thresholds.json}), from the class path. */
    private static Schema of(String fileName) {
        return SCHEMAS.computeIfAbsent(fileName, f -> {
            String resource = "/schemas/" + f.replace(".json", ".schema.json");
            try (InputStream in = JsonSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema " + resource);
                }
                return REGISTRY.getSchema(in, InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The problems of {@code text} as the file {@code fileName}, each {@code <path>: <message>} (at most 100); empty
     * if it matches its schema.
     */
    public static List<String> problems(String fileName, String text) {
        List<Error> errors;
        try {
            errors = of(fileName).validate(text, InputFormat.JSON);
        } catch (RuntimeException e) {
            return List.of("not valid JSON: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (Error e : errors.subList(0, Math.min(errors.size(), 100))) {
            out.add(path(String.valueOf(e.getInstanceLocation())) + ": " + e.getMessage());
        }
        return out;
    }

    /** A JSON pointer as the path users read: {@code /thresholds/3/value} → {@code thresholds[3].value}. */
    static String path(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty() || part.equals("$")) {
                continue;
            }
            String p = part.replace("~1", "/").replace("~0", "~");
            if (p.chars().allMatch(Character::isDigit)) {
                out.append('[').append(p).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(p);
            }
        }
        return out.length() == 0 ? "(the file)" : out.toString();
    }
}
