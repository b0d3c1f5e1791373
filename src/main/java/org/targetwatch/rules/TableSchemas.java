package org.targetwatch.rules;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas (draft 2020-12, {@code src/main/resources/schemas/}) of the data tables of a rules directory. Every
 * table is checked against its schema before it is parsed, wherever it comes from (the directory at start or
 * reload, an admin's staged ruleset, a supervisor's backtest upload): a wrong type or an unknown field is
 * reported with the entry and field ({@code $.thresholds[3].value}), never as a Java exception. Keys starting with
 * {@code _} are comments everywhere. Thread-safe.
 */
final class TableSchemas {
    /** The tables, by file name. */
    static final List<String> TABLES = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(ThresholdFile.NAME, TargetFile.NAME),
                    RuleTable.registered().stream().map(RuleTable::file))
            .toList();

    private static final Map<String, Schema> SCHEMAS = load();

    private TableSchemas() {}

    private static Map<String, Schema> load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<String, Schema> out = new java.util.HashMap<>();
        for (String table : TABLES) {
            String resource = "/schemas/" + table.replace(".json", ".schema.json");
            try (InputStream in = TableSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema " + resource);
                }
                out.put(table, registry.getSchema(in, InputFormat.JSON));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(out);
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

    /**
     * Validates a table's text against its schema; each violation is added to {@code problems} as
     * {@code <path>: <message>}. Returns false if there was any (then the table is not parsed).
     */
    static boolean validate(String table, String text, List<RuleBuildException.Problem> problems) {
        Schema schema = SCHEMAS.get(table);
        if (schema == null) {
            return true;
        }
        List<Error> errors;
        try {
            errors = schema.validate(text, InputFormat.JSON);
        } catch (RuntimeException e) {
            problems.add(new RuleBuildException.Problem(table, 0, "not valid JSON: " + e.getMessage()));
            return false;
        }
        for (Error e : errors.subList(0, Math.min(errors.size(), 100))) {
            problems.add(new RuleBuildException.Problem(
                    table, 0, path(String.valueOf(e.getInstanceLocation())) + ": " + e.getMessage()));
        }
        return errors.isEmpty();
    }
}
