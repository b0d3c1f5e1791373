package org.targetwatch.ingest.hj212;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.common.Times;
import org.targetwatch.config.Hj212Codes;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.ReadingParser;

/**
 * What a valid packet of a known station holds for TargetWatch, decided the same way for a logger's live packets
 * ({@link Hj212Service}) and for the lines of an imported packet log ({@link org.targetwatch.ingest.Importer}).
 *
 * <p>Contract: only CN 2061 (hourly data) yields readings: each {@code <code>-Avg} of a code in
 * {@code config/hj212.json}, converted into its indicator's unit from the station's {@code hj212.units} or the
 * code's default unit, with its {@code <code>-Flag}, observed at {@code DataTime}, validated as a posted body. The
 * batch carries the station's {@code hj212.hourLabel} (default {@code start}). CN 2011, 2051 and 2031 and every other
 * CN are valid and yield nothing ({@link Decoded#nothing()} says why); an invalid value or time refuses the whole
 * packet ({@link Decoded#problems()}).
 */
public final class Hj212Readings {
    private static final DateTimeFormatter DATA_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private Hj212Readings() {}

    /**
     * One of three: readings ({@code batch}), nothing to store ({@code nothing}, why), or a refusal
     * ({@code problems}, each naming its field: {@code DataTime}, {@code a34004-Avg}, {@code a34004.value}).
     */
    public record Decoded(ReadingParser.ParsedBatch batch, String nothing, List<FieldError> problems) {
        static Decoded nothing(String why) {
            return new Decoded(null, why, List.of());
        }

        static Decoded refused(List<FieldError> problems) {
            return new Decoded(null, null, List.copyOf(problems));
        }

        public boolean refused() {
            return !problems.isEmpty();
        }

        /** The first problem as one line, {@code field: message}. */
        public String reason() {
            return problems.get(0).field() + ": " + problems.get(0).message();
        }
    }

    /** The subject's {@code hj212} setting as an object (empty when it has none). */
    public static JsonObject setting(Subject subject) {
        Object v = subject.settings().get("hj212");
        if (v instanceof JsonObject o) {
            return o;
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return new JsonObject(map);
        }
        return new JsonObject();
    }

    /** Whether the packet's PW is the station's {@code hj212.password} (both absent counts as equal). */
    public static boolean passwordMatches(JsonObject setting, Hj212Packet p) {
        return setting.getString("password", "").equals(p.pw() == null ? "" : p.pw());
    }

    /** The readings of a packet of {@code subject} (whose MN it carries and whose PW it gave). */
    public static Decoded decode(
            Hj212Packet p, Subject subject, JsonObject setting, Hj212Codes codes, ReadingParser parser, Instant now) {
        switch (p.cn()) {
            case "2061" -> {
                // below
            }
            case "2011", "2051", "2031" -> {
                return Decoded.nothing(
                        (p.cn().equals("2031") ? "daily" : p.cn().equals("2051") ? "minute" : "real-time")
                                + " values are counted, not stored: TargetWatch stores hourly values (CN 2061) and"
                                + " computes daily statistics from them");
            }
            default -> {
                return Decoded.nothing("CN " + p.cn() + " carries no data TargetWatch stores");
            }
        }
        Instant observedAt;
        try {
            observedAt = dataTime(p.dataTime());
        } catch (IllegalArgumentException e) {
            return Decoded.refused(List.of(new FieldError(null, "DataTime", e.getMessage())));
        }
        JsonObject units = setting.getJsonObject("units", new JsonObject());
        JsonArray items = new JsonArray();
        List<String> itemCodes = new ArrayList<>();
        List<FieldError> problems = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : p.values().entrySet()) {
            String avg = e.getValue().get("Avg");
            Hj212Codes.Code code = codes.find(e.getKey()).orElse(null);
            if (code == null || avg == null) {
                continue; // a pollutant TargetWatch does not store, or no hourly mean of it
            }
            String unit = units.getString(code.code(), code.unit());
            double value;
            try {
                value = Hj212Codes.convert(avg, unit, code.indicator());
            } catch (NumberFormatException ex) {
                problems.add(new FieldError(null, code.code() + "-Avg", "'" + avg + "' is no decimal number"));
                continue;
            } catch (IllegalArgumentException ex) {
                problems.add(new FieldError(null, code.code() + "-Avg", ex.getMessage()));
                continue;
            }
            JsonObject item = new JsonObject()
                    .put("indicator", code.indicator().code())
                    .put("subject", subject.id())
                    .put("observedAt", Times.format(observedAt))
                    .put("value", value)
                    .put("unit", code.indicator().unit())
                    .put("source", "hj212:" + p.mn());
            String flag = e.getValue().get("Flag");
            if (flag != null && !flag.isEmpty()) {
                item.put("flag", flag);
            }
            items.add(item);
            itemCodes.add(code.code());
        }
        if (!problems.isEmpty()) {
            return Decoded.refused(problems);
        }
        if (items.isEmpty()) {
            return Decoded.nothing("no pollutant code of config/hj212.json with an hourly mean (-Avg)");
        }
        try {
            return new Decoded(
                    parser.parseItems(items, now).withHourLabel(setting.getString("hourLabel", "start")),
                    null,
                    List.of());
        } catch (RejectedRequestException r) {
            return Decoded.refused(r.errors().stream()
                    .map(x -> new FieldError(
                            null,
                            x.index() == null ? x.field() : itemCodes.get(x.index()) + "." + x.field(),
                            x.message()))
                    .toList());
        }
    }

    /**
     * DataTime, {@code yyyyMMddHHmmss} in Beijing time, leniently: digits after the 14th (milliseconds) are
     * dropped, and so are the seconds (loggers stamp an hour's value 21:00:01).
     */
    static Instant dataTime(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the packet has no DataTime");
        }
        if (text.length() < 14 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("DataTime '" + text + "' is not yyyyMMddHHmmss");
        }
        try {
            return LocalDateTime.parse(text.substring(0, 14), DATA_TIME)
                    .truncatedTo(ChronoUnit.MINUTES)
                    .atZone(Times.ZONE)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("DataTime '" + text + "' is no valid time");
        }
    }
}
