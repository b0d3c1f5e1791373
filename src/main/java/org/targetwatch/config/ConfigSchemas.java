package org.targetwatch.config;

import java.nio.file.Path;
import java.util.List;
import org.targetwatch.common.JsonSchemas;

/**
 * The files of {@code config/} checked against their JSON Schemas ({@code application.json},
 * {@code indicators.json}, {@code routing.json} in {@code src/main/resources/schemas/}) before they are read, so
 * that a wrong type or a misspelt key stops the start with the entry and field named.
 */
public final class ConfigSchemas {
    private ConfigSchemas() {}

    /**
     * Reads a configuration file, checks it against its schema and decodes it.
     *
     * @param what what the file holds, for the message ("indicator catalog")
     * @throws InvalidConfigException naming {@code key} if the file cannot be read, is no JSON or breaks its schema
     */
    public static io.vertx.core.json.JsonObject read(String key, Path file, String schema, String what) {
        try {
            String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            check(key, file, schema, text);
            return new io.vertx.core.json.JsonObject(text);
        } catch (java.io.IOException | io.vertx.core.json.DecodeException e) {
            throw new InvalidConfigException(key, "cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param key    the configuration key that names the file (for the message)
     * @param file   where the text was read from
     * @param schema which file's schema applies ({@code routing.json}), whatever the file is called
     * @throws InvalidConfigException with every problem (at most 100), each {@code <path>: <message>}
     */
    public static void check(String key, Path file, String schema, String text) {
        List<String> problems = JsonSchemas.problems(schema, text);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(
                    key,
                    file + " does not match its schema (schemas/" + schema.replace(".json", ".schema.json") + "): "
                            + String.join("; ", problems));
        }
    }
}
