package org.targetwatch.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Which request bodies are read, decided before the body is: JSON ({@code application/json} or any
 * {@code +json} type), CSV ({@code text/csv}) and Excel workbooks (on {@code POST /api/v1/readings} only), HJ 212 packets
 * ({@code text/plain}, on {@code POST /api/v1/hj212}, which takes nothing else), and curl's default
 * {@code application/x-www-form-urlencoded}, which is read as the JSON it is (officers post with plain
 * {@code curl -d}; the body is never form-decoded, so any size and any {@code %} are fine). A {@code charset}
 * other than UTF-8 (for CSV: other than UTF-8, GBK, GB2312, GB18030), any other type, or a body without a type is
 * refused with {@code 415}.
 */
final class BodyTypes {
    static final String CSV_PATH = "/api/v1/readings";
    /** Subjects may be registered from CSV too (UTF-8, GBK or GB18030), not from workbooks. */
    static final String SUBJECTS_PATH = "/api/v1/subjects";
    /** Excel workbooks, accepted where CSV is: {@code .xlsx} and {@code .xls}. */
    static final java.util.List<String> WORKBOOKS = java.util.List.of(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel");

    /** HJ 212 packets as text, one per line ({@code text/plain}), and nothing else. */
    static final String HJ212_PATH = "/api/v1/hj212";

    /**
     * Import files: CSV (UTF-8, GBK, GB2312, GB18030), HJ 212 packet logs ({@code text/plain}) and Excel workbooks,
     * streamed to disk, never buffered.
     */
    static final String IMPORTS_PATH = "/api/v1/imports";

    private BodyTypes() {}

    /** Route handler for POST and PUT under /api/v1: passes or fails the request with 415. */
    static void check(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || type.isBlank()) {
            String length = ctx.request().getHeader("Content-Length");
            boolean body = ctx.request().getHeader("Transfer-Encoding") != null
                    || (length != null && !length.strip().equals("0"));
            if (body) {
                ctx.fail(new UnsupportedMediaTypeException("a body needs a Content-Type: application/json"
                        + (ctx.request().path().equals(CSV_PATH) || subjectsCsv(ctx) ? " or text/csv" : "")));
                return;
            }
            ctx.next();
            return;
        }
        String[] parts = type.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        String cs = charset(type);
        if (cs != null && !cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
            boolean csvPath = media.equals("text/csv")
                    && (ctx.request().path().equals(CSV_PATH)
                            || ctx.request().path().equals(IMPORTS_PATH)
                            || subjectsCsv(ctx));
            if (!csvPath || !org.targetwatch.ingest.CsvText.declarable(cs)) {
                ctx.fail(new UnsupportedMediaTypeException("charset '" + cs + "' is not accepted; bodies are UTF-8"
                        + (csvPath ? ", and CSV may also be GBK, GB2312 or GB18030" : "")));
                return;
            }
        }
        boolean json =
                media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
        boolean csv = (media.equals("text/csv") || WORKBOOKS.contains(media))
                        && ctx.request().path().equals(CSV_PATH)
                || media.equals("text/csv") && subjectsCsv(ctx);
        boolean hj212 = media.equals("text/plain") && ctx.request().path().equals(HJ212_PATH);
        if (media.equals("application/x-www-form-urlencoded")) {
            // read as JSON: never form-decoded (that fails on '%' and on bodies above the form attribute limit)
            ctx.request().headers().set("Content-Type", "application/json");
            json = true;
        }
        if (ctx.request().path().equals(IMPORTS_PATH)) {
            if (!media.equals("text/csv") && !media.equals("text/plain") && !WORKBOOKS.contains(media)) {
                ctx.fail(new UnsupportedMediaTypeException("Content-Type must be text/csv (UTF-8, GBK or GB18030),"
                        + " text/plain (an HJ 212 packet log, one packet per line) or an Excel workbook's (.xlsx: "
                        + WORKBOOKS.get(0) + ", .xls: " + WORKBOOKS.get(1) + "), got '" + type + "'"));
                return;
            }
            ctx.next();
            return;
        }
        if (ctx.request().path().equals(HJ212_PATH)) {
            if (!hj212) {
                ctx.fail(new UnsupportedMediaTypeException(
                        "Content-Type must be text/plain (HJ 212 packets, one per line), got '" + type + "'"));
                return;
            }
            ctx.next();
            return;
        }
        if (!json && !csv) {
            ctx.fail(new UnsupportedMediaTypeException("Content-Type must be application/json"
                    + (ctx.request().path().equals(CSV_PATH)
                            ? ", text/csv or an Excel workbook's"
                            : subjectsCsv(ctx) ? " or text/csv" : "")
                    + ", got '"
                    + type + "'"));
            return;
        }
        ctx.next();
    }

    /** A POST of subjects (registration takes CSV; a PUT of one subject does not). */
    private static boolean subjectsCsv(RoutingContext ctx) {
        return ctx.request().path().equals(SUBJECTS_PATH)
                && ctx.request().method() == io.vertx.core.http.HttpMethod.POST;
    }

    /** The charset a Content-Type declares, or null. */
    static String charset(String type) {
        if (type == null) {
            return null;
        }
        String[] parts = type.split(";");
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv[0].strip().equalsIgnoreCase("charset") && kv.length == 2) {
                return kv[1].strip().replace("\"", "");
            }
        }
        return null;
    }

    /** True if the request's body is an Excel workbook (after {@link #check} passed it). */
    static boolean isWorkbook(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        return type != null && WORKBOOKS.contains(type.split(";")[0].strip().toLowerCase(Locale.ROOT));
    }

    /** True if the request's body is CSV (after {@link #check} passed it). */
    static boolean isCsv(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        return type != null && type.strip().toLowerCase(Locale.ROOT).startsWith("text/csv");
    }
}
