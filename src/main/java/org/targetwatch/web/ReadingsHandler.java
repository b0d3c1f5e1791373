package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.targetwatch.ingest.IngestQueue;
import org.targetwatch.ingest.ReadingParser;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.TokenStore;

/** Readings: POST and GET /api/v1/readings. */
final class ReadingsHandler {
    private final ReadingParser parser;
    private final IngestQueue ingestQueue;
    private final ReadingStore readings;
    /** The same store on the read pool (a replica when configured): exports read from it. */
    private final ReadingStore exportReadings;

    private final Clock clock;
    private final Exports exports;

    ReadingsHandler(
            Exports exports,
            ReadingParser parser,
            IngestQueue ingestQueue,
            ReadingStore readings,
            ReadingStore exportReadings,
            Clock clock) {
        this.exports = exports;
        this.parser = parser;
        this.ingestQueue = ingestQueue;
        this.readings = readings;
        this.exportReadings = exportReadings;
        this.clock = clock;
    }

    void postReadings(RoutingContext ctx) {
        boolean csv = BodyTypes.isCsv(ctx);
        ReadingParser.ParsedBatch batch;
        try {
            String label = param(ctx, "hourLabel");
            if (label != null && !org.targetwatch.ingest.HourLabels.LABELS.contains(label)) {
                throw new InvalidParameterException(
                        "hourLabel",
                        "hourLabel must be start (an hourly value is"
                                + " labelled by the start of its hour, the default) or end (by its end: 16:00 for 15:00-16:00)");
            }
            batch = BodyTypes.isWorkbook(ctx)
                    ? parser.parseWorkbook(ctx.body().buffer(), csvOptions(ctx), clock.instant())
                    : csv
                            ? parser.parseCsv(ctx.body().buffer(), csvOptions(ctx), clock.instant())
                            : parser.parse(ctx.body().buffer(), clock.instant());
            batch = batch.withHourLabel(label);
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        List<String> ignored = batch.ignoredColumns();
        reply(
                ctx,
                ingestQueue.submit(batch, p.id()).map(result -> {
                    JsonObject answer = result.toJson();
                    return ignored.isEmpty() ? answer : answer.put("ignoredColumns", new JsonArray(ignored));
                }),
                201);
    }

    /**
     * A CSV body's charset (from its Content-Type), and for the wide layout the query parameters {@code mapping}
     * (a JSON object: column header → indicator code, {@code observedAt} or {@code subject}) and {@code subject}.
     */
    static ReadingParser.CsvOptions csvOptions(RoutingContext ctx) {
        String mapping = param(ctx, "mapping");
        Map<String, String> m = new java.util.LinkedHashMap<>();
        if (mapping != null) {
            JsonObject o;
            try {
                o = new JsonObject(mapping);
            } catch (RuntimeException e) {
                throw new InvalidParameterException(
                        "mapping",
                        "mapping must be a JSON object of column header to indicator code, e.g."
                                + " {\"细颗粒物浓度\": \"PM2_5\", \"监测日期\": \"observedAt\"}");
            }
            for (String header : o.fieldNames()) {
                if (!(o.getValue(header) instanceof String target)) {
                    throw new InvalidParameterException(
                            "mapping",
                            "mapping." + header + " must be a string: an indicator code, observedAt or subject");
                }
                m.put(header, target);
            }
        }
        return new ReadingParser.CsvOptions(
                BodyTypes.charset(ctx.request().getHeader("Content-Type")), m, param(ctx, "subject"));
    }

    /**
     * {@code GET /api/v1/readings}: at most {@code limit} readings, oldest first, and {@code nextCursor} when more
     * follow (pass it as {@code cursor} for the next page: a year of a station is fetched page by page); with
     * {@code format=csv|xlsx} every reading the filter matches, as a file ({@link Exports}).
     */
    void listReadings(RoutingContext ctx) {
        String format = Exports.format(ctx);
        ReadingStore.Filter filter = new ReadingStore.Filter(
                param(ctx, "indicator"),
                param(ctx, "subject"),
                instantParam(ctx, "from"),
                instantParam(ctx, "to"),
                format == null ? limit(ctx) : Exports.PAGE,
                "all".equals(param(ctx, "revisions")),
                cursor(param(ctx, "cursor")));
        if (format != null) {
            Exports.chinese(ctx); // refused before the file is begun
            exports.send(
                    ctx,
                    format,
                    "readings",
                    "读数",
                    filter.allRevisions() ? REVISION_COLUMNS : COLUMNS,
                    after -> exportReadings
                            .list(withAfter(filter, (ReadingStore.After) after))
                            .map(rows -> new Exports.Page(
                                    rows, rows.size() < filter.limit() ? null : afterOf(rows.get(rows.size() - 1)))));
            return;
        }
        reply(ctx, readings.list(filter).map(result -> {
            JsonObject page = new JsonObject().put("readings", new JsonArray(result));
            return result.size() < filter.limit()
                    ? page.putNull("nextCursor")
                    : page.put("nextCursor", encode(afterOf(result.get(result.size() - 1))));
        }));
    }

    /**
     * The columns of a readings export: those {@code POST /api/v1/readings} reads, so an English export of the
     * revisions in force is a CSV that reads back as the same readings.
     */
    static final List<Exports.Column> COLUMNS = List.of(
            Exports.Column.of("指标", "indicator"),
            Exports.Column.of("监测对象", "subject"),
            Exports.Column.of("观测时间", "observedAt"),
            Exports.Column.of("数值", "value"),
            Exports.Column.of("单位", "unit"),
            Exports.Column.of("来源", "source"),
            Exports.Column.of("数据标记", "flag"));

    /** With {@code revisions=all}: which revision each row is and when it came (not a CSV to submit again). */
    static final List<Exports.Column> REVISION_COLUMNS = java.util.stream.Stream.concat(
                    COLUMNS.stream(),
                    java.util.stream.Stream.of(
                            Exports.Column.of("修订版本", "revision"), Exports.Column.of("接收时间", "receivedAt")))
            .toList();

    private static ReadingStore.Filter withAfter(ReadingStore.Filter f, ReadingStore.After after) {
        return new ReadingStore.Filter(
                f.indicator(),
                f.subject(),
                f.from(),
                f.to(),
                f.limit(),
                f.allRevisions(),
                after == null ? f.after() : after);
    }

    private static ReadingStore.After afterOf(JsonObject last) {
        return new ReadingStore.After(
                java.time.OffsetDateTime.parse(last.getString("observedAt")).toInstant(),
                last.getString("subject"),
                last.getString("indicator"),
                last.getInteger("revision"));
    }

    /** A cursor as the API gives it: base64url of {@code instant|subject|indicator|revision}. */
    static String encode(ReadingStore.After a) {
        String text = a.observedAt() + "|" + a.subject() + "|" + a.indicator() + "|" + a.revision();
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The cursor parameter read back; 400 naming it unless it is one this API gave. */
    static ReadingStore.After cursor(String v) {
        if (v == null) {
            return null;
        }
        try {
            String[] p = new String(java.util.Base64.getUrlDecoder().decode(v), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\\|", -1);
            if (p.length == 4 && !p[1].isEmpty() && !p[2].isEmpty()) {
                int revision = Integer.parseInt(p[3]);
                if (revision >= 1 && revision <= ReadingStore.MAX_REVISION) {
                    return new ReadingStore.After(java.time.Instant.parse(p[0]), p[1], p[2], revision);
                }
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // reported below (NumberFormatException is an IllegalArgumentException)
        }
        throw new InvalidParameterException("cursor", "cursor must be a nextCursor this API gave");
    }
}
