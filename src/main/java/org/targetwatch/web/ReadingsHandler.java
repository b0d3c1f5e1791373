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
    private final Clock clock;

    ReadingsHandler(ReadingParser parser, IngestQueue ingestQueue, ReadingStore readings, Clock clock) {
        this.parser = parser;
        this.ingestQueue = ingestQueue;
        this.readings = readings;
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

    void listReadings(RoutingContext ctx) {
        ReadingStore.Filter filter = new ReadingStore.Filter(
                param(ctx, "indicator"),
                param(ctx, "subject"),
                instantParam(ctx, "from"),
                instantParam(ctx, "to"),
                limit(ctx),
                "all".equals(param(ctx, "revisions")));
        reply(ctx, readings.list(filter).map(result -> new JsonObject().put("readings", new JsonArray(result))));
    }
}
