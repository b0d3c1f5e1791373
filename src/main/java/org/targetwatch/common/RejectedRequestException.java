package org.targetwatch.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A request the server refuses because of what the client sent or who sent it. The web layer maps each subclass
 * to an HTTP status and writes {@code {code, message, field?, index?, errors?}}; nothing is stored.
 */
public abstract class RejectedRequestException extends TargetWatchException {
    /** One problem with one field of one item ({@code index} is null for a single object or a query parameter). */
    public record FieldError(Integer index, String field, String message) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            if (index != null) {
                o.put("index", index);
            }
            return o.put("field", field).put("message", message);
        }
    }

    private final String code;
    private final List<FieldError> errors;

    protected RejectedRequestException(String code, String message, List<FieldError> errors) {
        super(message);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public JsonObject toJson() {
        JsonObject body = new JsonObject().put("code", code).put("message", getMessage());
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            if (first.index() != null) {
                body.put("index", first.index());
            }
            body.put("field", first.field());
            JsonArray list = new JsonArray();
            errors.forEach(e -> list.add(e.toJson()));
            body.put("errors", list);
        }
        return body;
    }
}
