package org.targetwatch.facts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/** JSON of a fact (any record) for the audit trail: every component, recursively; doubles NaN become null. */
public final class FactJson {
    private FactJson() {}

    public static JsonObject of(Object fact) {
        JsonObject o = new JsonObject().put("type", fact.getClass().getSimpleName());
        if (fact.getClass().isRecord()) {
            for (RecordComponent c : fact.getClass().getRecordComponents()) {
                try {
                    o.put(c.getName(), value(c.getAccessor().invoke(fact)));
                } catch (ReflectiveOperationException e) {
                    o.put(c.getName(), String.valueOf(e));
                }
            }
        } else {
            o.put("value", fact.toString());
        }
        return o;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            return v;
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : d;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Collection<?> c) {
            JsonArray a = new JsonArray();
            c.forEach(x -> a.add(value(x)));
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
            return o;
        }
        if (v.getClass().isRecord()) {
            return of(v);
        }
        return v.toString();
    }
}
