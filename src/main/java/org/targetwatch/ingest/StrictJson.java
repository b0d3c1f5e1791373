package org.targetwatch.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.common.RejectedRequestException.FieldError;

/**
 * The one JSON reader of request bodies: RFC 8259 and nothing more. Refused with {@code 400 malformed_request}:
 * anything but UTF-8 (UTF-16/32 included; a UTF-8 byte-order mark is accepted), invalid UTF-8 (overlong forms and
 * encoded surrogates included), comments, single quotes, trailing commas, non-finite numbers, text after the
 * value, an object with a key twice. Refused with the caller's 422 exception: a string (value or key) holding a
 * lone surrogate or a control character (C0 other than tab, line feed and carriage return; DEL; C1). Every error
 * names the field (dotted path, {@code settings.district}) and, for an array body, the item index. Pure; safe on
 * the event loop (the body size is capped before).
 */
public final class StrictJson {
    /** Jackson's defaults: no comments, no single quotes, no NaN, no trailing commas, no leading zeros. */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final int MAX_DEPTH = 64;

    private StrictJson() {}

    /**
     * Decodes a body that must be one JSON object or array.
     *
     * @param invalid makes the caller's 422 exception (e.g. {@code InvalidReadingException::new}) from the text
     *                problems found
     * @throws MalformedRequestException (400) for a body that is not strict UTF-8 JSON
     */
    public static Object decode(Buffer body, Function<List<FieldError>, ? extends RejectedRequestException> invalid) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        Utf8.Decoded d = Utf8.decode(bytes);
        if (!d.valid()) {
            Reader partial = new Reader(d.text());
            partial.readToFailure();
            throw new MalformedRequestException(
                    "body is not valid UTF-8: byte " + d.invalidAt() + " (0x"
                            + String.format("%02X", bytes[d.invalidAt()] & 0xFF) + ") is not part of a valid UTF-8"
                            + " sequence; send UTF-8",
                    partial.errorAt("invalid UTF-8 at byte " + d.invalidAt()));
        }
        String text = d.text();
        if (text.isBlank()) {
            throw new MalformedRequestException("body is empty; send a JSON object or array");
        }
        Reader reader = new Reader(text);
        Object value = reader.read();
        if (!reader.textErrors.isEmpty()) {
            throw invalid.apply(reader.textErrors);
        }
        return value;
    }

    /** Decodes a body that must be one JSON object; an empty body is an empty object. */
    public static JsonObject decodeObject(
            Buffer body, Function<List<FieldError>, ? extends RejectedRequestException> invalid) {
        if (body == null || body.length() == 0) {
            return new JsonObject();
        }
        Object v = decode(body, invalid);
        if (v instanceof JsonObject o) {
            return o;
        }
        throw new MalformedRequestException("body must be a JSON object");
    }

    /** A recursive reader that builds Vert.x JSON and knows, at every point, the path it is at. */
    private static final class Reader {
        private final String text;
        private final List<String> path = new ArrayList<>();
        private Integer topIndex;
        private boolean topArray;
        final List<FieldError> textErrors = new ArrayList<>();

        Reader(String text) {
            this.text = text;
        }

        Object read() {
            try (JsonParser p = FACTORY.createParser(text)) {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                    throw new MalformedRequestException("body must be a JSON object or array");
                }
                topArray = t == JsonToken.START_ARRAY;
                Object v = value(p, t, 0);
                if (p.nextToken() != null) {
                    throw new MalformedRequestException("body holds text after the JSON value, at line "
                            + p.currentLocation().getLineNr() + " column "
                            + p.currentLocation().getColumnNr());
                }
                return v;
            } catch (JsonProcessingException e) {
                throw new MalformedRequestException(
                        "body is not valid JSON: " + e.getOriginalMessage()
                                + " (line " + e.getLocation().getLineNr() + ", column "
                                + e.getLocation().getColumnNr()
                                + ")",
                        errorAt(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new MalformedRequestException("body is not valid JSON: " + e.getMessage());
            }
        }

        /** Reads a prefix (cut at invalid UTF-8) as far as it goes, so that {@link #errorAt} names the field. */
        void readToFailure() {
            try {
                read();
            } catch (RejectedRequestException ignored) {
                // the prefix ends inside a value: where is what we want
            }
        }

        List<FieldError> errorAt(String message) {
            String field = String.join(".", path);
            return List.of(new FieldError(topIndex, field, message));
        }

        private Object value(JsonParser p, JsonToken t, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new MalformedRequestException("body nests deeper than " + MAX_DEPTH + " levels");
            }
            switch (t) {
                case START_OBJECT -> {
                    JsonObject o = new JsonObject();
                    for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                        String key = p.currentName();
                        path.add(key);
                        checkText(key);
                        if (o.containsKey(key)) {
                            throw new MalformedRequestException(
                                    "the key '" + key + "' appears twice in one object",
                                    errorAt("duplicate key '" + key + "'"));
                        }
                        o.put(key, value(p, p.nextToken(), depth + 1));
                        path.remove(path.size() - 1);
                    }
                    return o;
                }
                case START_ARRAY -> {
                    JsonArray a = new JsonArray();
                    int i = 0;
                    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                        if (depth == 0 && topArray) {
                            topIndex = i;
                        } else {
                            path.add(Integer.toString(i));
                        }
                        a.add(value(p, e, depth + 1));
                        if (!(depth == 0 && topArray)) {
                            path.remove(path.size() - 1);
                        }
                        i++;
                    }
                    if (depth == 0) {
                        topIndex = null;
                    }
                    return a;
                }
                case VALUE_STRING -> {
                    String s = p.getText();
                    checkText(s);
                    return s;
                }
                case VALUE_NUMBER_INT -> {
                    return switch (p.getNumberType()) {
                        case INT -> p.getIntValue();
                        case LONG -> p.getLongValue();
                        default -> p.getDoubleValue(); // beyond long: as a double, like Vert.x
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    return p.getDoubleValue();
                }
                case VALUE_TRUE -> {
                    return Boolean.TRUE;
                }
                case VALUE_FALSE -> {
                    return Boolean.FALSE;
                }
                case VALUE_NULL -> {
                    return null;
                }
                default -> throw new MalformedRequestException("unexpected JSON token " + t);
            }
        }

        private void checkText(String s) {
            String problem = textProblem(s);
            if (problem != null && textErrors.size() < 100) {
                textErrors.add(errorAt(problem).get(0));
            }
        }
    }

    /**
     * True if a one-line text (an id, a code, a name) is not plain: it holds any control character (tab and line
     * breaks included) or a lone surrogate.
     */
    public static boolean notPlainLine(String s) {
        return s.chars().anyMatch(Character::isISOControl) || textProblem(s) != null;
    }

    /**
     * Why a text may not be stored, or null: a lone surrogate, or a control character other than tab, line feed
     * and carriage return (NUL included, which PostgreSQL cannot store in text).
     */
    public static String textProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "holds a lone surrogate (\\u" + String.format("%04x", (int) c) + "), which is not text";
            }
            if (Character.isLowSurrogate(c)) {
                return "holds a lone surrogate (\\u" + String.format("%04x", (int) c) + "), which is not text";
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
                return "holds the control character U+" + String.format("%04X", (int) c) + " at position " + i;
            }
        }
        return null;
    }
}
