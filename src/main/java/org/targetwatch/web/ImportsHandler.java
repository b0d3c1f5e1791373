package org.targetwatch.web;

import static org.targetwatch.web.Http.*;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.targetwatch.ingest.BatchTooLargeException;
import org.targetwatch.ingest.HourLabels;
import org.targetwatch.review.Jobs;
import org.targetwatch.store.ImportStore;
import org.targetwatch.store.TokenStore;

/**
 * Imports: {@code POST /api/v1/imports} streams the file to {@code <dataDir>/imports/<id>} (never held in memory),
 * records it and queues its job, and answers 202; {@code GET /api/v1/imports}, {@code GET /api/v1/imports/{id}}
 * and {@code GET /api/v1/imports/{id}/errors} (the refused rows as CSV) follow it.
 */
final class ImportsHandler {
    /** Refused rows per page read from the database while the errors CSV is written. */
    static final int ERRORS_PAGE = 5000;

    private final Vertx vertx;
    private final ImportStore store;
    private final Jobs jobs;
    private final Path dir;
    private final long maxBytes;
    private final Clock clock;

    ImportsHandler(Vertx vertx, ImportStore store, Jobs jobs, Path dataDir, long maxBytes, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.jobs = jobs;
        this.dir = dataDir.resolve("imports");
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** First handler of the upload: holds the body back until the request is authenticated and checked. */
    static void pause(RoutingContext ctx) {
        ctx.request().pause();
        ctx.next();
    }

    void post(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        JsonObject params = new JsonObject();
        String name;
        try {
            String label = param(ctx, "hourLabel");
            if (label != null && !HourLabels.LABELS.contains(label)) {
                throw new InvalidParameterException("hourLabel", "hourLabel must be start or end");
            }
            var options = ReadingsHandler.csvOptions(ctx);
            name = param(ctx, "name");
            if (name == null) {
                name = BodyTypes.isWorkbook(ctx)
                        ? "upload.xlsx"
                        : org.targetwatch.ingest.ImportFile.isPacketLog(req.getHeader("Content-Type"))
                                ? "upload.hj212"
                                : "upload.csv";
            }
            if (name.length() > 255) {
                throw new InvalidParameterException("name", "name must be at most 255 characters");
            }
            String length = req.getHeader("Content-Length");
            if (length != null && Long.parseLong(length.strip()) > maxBytes) {
                throw new BatchTooLargeException(
                        "the file is " + length + " bytes; imports take at most " + maxBytes + " (maxImportBytes)");
            }
            params.put("charset", options.charset())
                    .put("subject", options.subject())
                    .put("hourLabel", label)
                    .put("mapping", new JsonObject(new java.util.LinkedHashMap<>(options.mapping())));
        } catch (NumberFormatException e) {
            ctx.fail(new InvalidParameterException("Content-Length", "Content-Length is no number"));
            return;
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        UUID id = UUID.randomUUID();
        Path file = dir.resolve(id.toString());
        String fileName = name;
        TokenStore.Principal p = ctx.get(Access.PRINCIPAL);
        long[] received = {0};
        vertx.fileSystem()
                .mkdirs(dir.toString())
                .compose(x -> vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true)))
                .compose(out -> {
                    return req.pipeTo(new io.vertx.core.streams.WriteStream<Buffer>() {
                                // counts bytes on the way to the file and stops at maxImportBytes
                                @Override
                                public io.vertx.core.streams.WriteStream<Buffer> exceptionHandler(
                                        io.vertx.core.Handler<Throwable> handler) {
                                    out.exceptionHandler(handler);
                                    return this;
                                }

                                @Override
                                public Future<Void> write(Buffer data) {
                                    received[0] += data.length();
                                    if (received[0] > maxBytes) {
                                        return Future.failedFuture(new BatchTooLargeException("the file exceeds "
                                                + maxBytes + " bytes (maxImportBytes); nothing was imported"));
                                    }
                                    return out.write(data);
                                }

                                @Override
                                public Future<Void> end() {
                                    return out.end();
                                }

                                @Override
                                public io.vertx.core.streams.WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
                                    out.setWriteQueueMaxSize(maxSize);
                                    return this;
                                }

                                @Override
                                public boolean writeQueueFull() {
                                    return out.writeQueueFull();
                                }

                                @Override
                                public io.vertx.core.streams.WriteStream<Buffer> drainHandler(
                                        io.vertx.core.Handler<Void> handler) {
                                    out.drainHandler(handler);
                                    return this;
                                }
                            })
                            .recover(e -> out.close()
                                    .transform(x -> Future.<Void>failedFuture(
                                            received[0] > maxBytes
                                                    ? new BatchTooLargeException("the file exceeds " + maxBytes
                                                            + " bytes (maxImportBytes); nothing was imported")
                                                    : e)));
                })
                .compose(x -> {
                    if (received[0] == 0) {
                        return Future.failedFuture(new InvalidRequestException(
                                java.util.List.of(new org.targetwatch.common.RejectedRequestException.FieldError(
                                        null,
                                        "",
                                        "the file is empty; send a CSV file or an Excel workbook as the body"))));
                    }
                    return store.insert(
                            id,
                            fileName,
                            req.getHeader("Content-Type"),
                            params,
                            file.toString(),
                            received[0],
                            p.name(),
                            p.id());
                })
                .compose(x -> jobs.submit(id, "import", new JsonObject().put("import", id.toString()), p.name())
                        .recover(e -> store.delete(id).transform(y -> Future.failedFuture(e))))
                .compose(x -> store.get(id, clock.instant()))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        vertx.fileSystem().delete(file.toString()).onComplete(y -> {});
                        ctx.fail(ar.cause());
                        return;
                    }
                    ctx.response().putHeader("Location", "/api/v1/imports/" + id);
                    ErrorMapper.write(ctx, 202, ar.result().orElseThrow());
                });
    }

    void list(RoutingContext ctx) {
        reply(
                ctx,
                store.list(Math.min(limit(ctx), 1000), clock.instant())
                        .map(all -> new JsonObject().put("imports", new JsonArray(all))));
    }

    void get(RoutingContext ctx) {
        UUID id = id(ctx);
        reply(ctx, store.get(id, clock.instant()).map(found -> found.orElseThrow(() -> notFound(ctx))));
    }

    /**
     * The refused rows as CSV (UTF-8 with a byte-order mark, so that Excel shows the Chinese reasons):
     * {@code row,field,reason}, where {@code row} is the file's data row (0 = the first after the header).
     */
    void errors(RoutingContext ctx) {
        UUID id = id(ctx);
        store.row(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            if (ar.result().isEmpty()) {
                ctx.fail(notFound(ctx));
                return;
            }
            ctx.response()
                    .setChunked(true)
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"import-" + id + "-errors.csv\"");
            ctx.response().write("\uFEFFrow,field,reason\r\n");
            page(ctx, id, 0);
        });
    }

    private void page(RoutingContext ctx, UUID id, long after) {
        store.errors(id, after, ERRORS_PAGE).onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().reset();
                return;
            }
            StringBuilder b = new StringBuilder();
            long last = after;
            for (io.vertx.sqlclient.Row r : ar.result()) {
                last = r.getLong("seq");
                Long row = r.getLong("row");
                b.append(row == null ? "" : row.toString())
                        .append(',')
                        .append(csv(r.getString("field")))
                        .append(',')
                        .append(csv(r.getString("reason")))
                        .append("\r\n");
            }
            if (ar.result().size() < ERRORS_PAGE) {
                ctx.response().end(b.toString());
            } else {
                long next = last;
                ctx.response().write(b.toString()).onComplete(x -> page(ctx, id, next));
            }
        });
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.matches("[^\",\r\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static UUID id(RoutingContext ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw notFound(ctx);
        }
    }

    private static NotFoundException notFound(RoutingContext ctx) {
        return new NotFoundException("id", "no import " + ctx.pathParam("id"));
    }
}
