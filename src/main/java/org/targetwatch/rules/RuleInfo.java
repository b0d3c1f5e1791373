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
                .put("titleZh", title(0))
                .put("titleEn", title(1))
                .put("source", source);
    }

    /**
     * A part of the description, which is written {@code 中文 / English}: 0 the Chinese, 1 the English (the whole
     * description if it has no such parts).
     */
    String title(int part) {
        String[] parts = description.split(" / ", 2);
        String chosen = parts.length == 2 ? parts[part] : description;
        int colon = chosen.replace('：', ':').indexOf(':'); // the title before a colon's detail
        return (colon > 0 ? chosen.substring(0, colon) : chosen).strip();
    }
}
