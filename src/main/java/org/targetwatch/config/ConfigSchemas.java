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
