package org.targetwatch.rules;

import io.vertx.core.json.JsonObject;

/**
 * What a supervisor needs to know about one DRL rule, read from its metadata annotations
 * ({@code @category, @severity, @description, @source}).
 */
public record RuleInfo(String name, String file, String category, String severity, String description, String source) {
    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name)
                .put("file", file)
                .put("category", category)
                .put("severity", severity)
                .put("description", description)
                .put("source", source);
    }
}
