package org.targetwatch.web;

import static org.targetwatch.web.Access.*;
import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.targetwatch.ingest.BatchTooLargeException;
import org.targetwatch.ingest.MalformedRequestException;
import org.targetwatch.ingest.hj212.Hj212Service;
import org.targetwatch.store.TokenStore;

/**
 * HJ 212 packets over HTTP: {@code POST /api/v1/hj212}, {@code text/plain}, one packet per line (CR LF or LF; blank
 * lines skipped). Each packet is handled exactly as the TCP listener handles it, on its own (a packet is all or
 * nothing, not the request), and the answer lists each packet's outcome, its line and the answer packet a logger
 * would get. 200 whatever the outcomes; 400 for a body with no packet; 413 for more than {@value #MAX_PACKETS}.
 */
final class Hj212Handler {
    static final int MAX_PACKETS = 1000;

    /** One packet of the body and its line number (1-based, blank lines counted). */
    record Line(int number, byte[] bytes) {}

    private final Hj212Service service;

    Hj212Handler(Hj212Service service) {
        this.service = service;
    }

    void post(RoutingContext ctx) {
        List<Line> lines;
        try {
            lines = lines(ctx.body().buffer());
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        TokenStore.Principal p = ctx.get(PRINCIPAL);
        List<Future<Hj212Service.Outcome>> outcomes = new ArrayList<>();
        Hj212Service.Sequence sequence = new Hj212Service.Sequence(); // the lines' order is kept
        for (Line line : lines) {
            outcomes.add(service.handle(line.bytes(), p.id(), sequence));
        }
        reply(ctx, Future.all(outcomes).map(all -> {
            JsonArray packets = new JsonArray();
            JsonObject counts = new JsonObject();
            for (int i = 0; i < outcomes.size(); i++) {
                Hj212Service.Outcome o = outcomes.get(i).result();
                packets.add(o.toJson().put("line", lines.get(i).number()));
                counts.put(o.result(), counts.getInteger(o.result(), 0) + 1);
            }
            return new JsonObject().put("results", counts).put("packets", packets);
        }));
    }

    /** The non-blank lines of the body, without their CR LF. */
    static List<Line> lines(Buffer body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        List<Line> out = new ArrayList<>();
        int start = 0;
        int number = 1;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                if (end > start) {
                    if (out.size() == MAX_PACKETS) {
                        throw new BatchTooLargeException(
                                "more than " + MAX_PACKETS + " HJ 212 packets in one request; send them in parts");
                    }
                    out.add(new Line(number, Arrays.copyOfRange(bytes, start, end)));
                }
                start = i + 1;
                number++;
            }
        }
        if (out.isEmpty()) {
            throw new MalformedRequestException(
                    "the body holds no HJ 212 packet; send one packet per line," + " ##<length><data><CRC>");
        }
        return out;
    }
}
