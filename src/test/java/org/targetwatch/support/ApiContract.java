package org.targetwatch.support;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API description, {@code src/main/resources/openapi.yaml}, as a check on every answer the HTTP tests get
 * through {@link TestServer}: the path and method must be described (or the answer is a 404 or 405 error), the
 * status must be one of the operation's, and a JSON body must match its schema (OpenAPI 3.1 schemas are JSON
 * Schema 2020-12). A mismatch fails the test that got the answer, so the description cannot drift from the
 * server. Thread-safe.
 */
public final class ApiContract {
    private static final JsonObject SPEC = load();
    private static final List<Operation> PATHS = templates();
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private record Operation(String template, Pattern pattern, int parameters) {}

    private ApiContract() {}

    private static JsonObject load() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new JsonObject(new YAMLMapper().readTree(yaml).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path templates, literal segments before parameters ({@code /alerts/stream} before {@code /alerts/{id}}). */
    private static List<Operation> templates() {
        List<Operation> out = new ArrayList<>();
        for (String t : SPEC.getJsonObject("paths").fieldNames()) {
            String regex = "^" + Pattern.quote(t).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "$";
            out.add(new Operation(t, Pattern.compile(regex), t.split("\\{", -1).length - 1));
        }
        out.sort(Comparator.comparingInt(Operation::parameters));
        return out;
    }

    /** The whole description, as JSON. */
    public static JsonObject spec() {
        return SPEC.copy();
    }

    /**
     * Checks one answer.
     *
     * @throws AssertionError naming the request and what does not match
     */
    public static void check(String method, String pathAndQuery, int status, String contentType, String body) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        boolean api = path.startsWith("/api/") || path.startsWith("/health/") || path.equals("/metrics");
        if (!api) {
            return; // the dashboard's static files
        }
        String where = method + " " + pathAndQuery + " → " + status;
        String template = PATHS.stream()
                .filter(o -> o.pattern().matcher(path).matches())
                .map(Operation::template)
                .findFirst()
                .orElse(null);
        JsonObject operation = template == null
                ? null
                : SPEC.getJsonObject("paths").getJsonObject(template).getJsonObject(method.toLowerCase());
        if (operation == null) {
            // not part of the API: only a 404 or 405 error (or 401 before it, below /api/v1/) may answer
            if (status != 404 && status != 405 && status != 401 && status != 400 && status != 503) {
                throw new AssertionError(where + ": the path or method is not in openapi.yaml");
            }
            validate(where, "#/components/schemas/Error", contentType, body);
            return;
        }
        JsonObject responses = operation.getJsonObject("responses");
        JsonObject response = responses.getJsonObject(String.valueOf(status));
        if (response == null) {
            throw new AssertionError(where + ": status " + status + " is not documented for " + method + " " + template
                    + " (documented: " + responses.fieldNames() + ")");
        }
        if (response.containsKey("$ref")) {
            response = resolve(response.getString("$ref"));
        }
        JsonObject content = response.getJsonObject("content");
        if (content == null) {
            return;
        }
        String media = contentType == null ? "" : contentType.split(";")[0].strip();
        if (!content.containsKey(media)) {
            throw new AssertionError(
                    where + ": Content-Type '" + contentType + "' is not documented (" + content.fieldNames() + ")");
        }
        if (media.equals("application/json")) {
            String pointer = "#/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses/" + status;
            if (responses.getJsonObject(String.valueOf(status)).containsKey("$ref")) {
                pointer = responses.getJsonObject(String.valueOf(status)).getString("$ref");
            }
            validate(where, pointer + "/content/application~1json/schema", contentType, body);
        }
    }

    private static JsonObject resolve(String ref) {
        JsonObject node = SPEC;
        for (String part : ref.substring(2).split("/")) {
            node = node.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static void validate(String where, String pointer, String contentType, String body) {
        if (contentType == null || !contentType.startsWith("application/json")) {
            throw new AssertionError(where + ": expected a JSON body, got Content-Type '" + contentType + "'");
        }
        Schema schema = SCHEMAS.computeIfAbsent(pointer, p -> {
            // the description is the schema document, so that every $ref into components resolves
            JsonObject doc = SPEC.copy()
                    .put("$schema", "https://json-schema.org/draft/2020-12/schema")
                    .put("$ref", p);
            return REGISTRY.getSchema(doc.encode(), InputFormat.JSON);
        });
        List<Error> errors = schema.validate(body, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + ": the body does not match openapi.yaml (" + pointer + "): " + errors
                    + "\n" + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body));
        }
    }
}
