package org.targetwatch.web;

import static org.targetwatch.web.Http.param;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * A list answered as a file ({@code format=csv} or {@code format=xlsx}) for the filter of its request: every row the
 * filter matches, in the list's order, never one page. Pages are read one after the other and written to a
 * temporary file off the event loop (CSV in UTF-8 with a byte-order mark, which Excel needs to read Chinese; xlsx
 * streamed by POI's SXSSF, 100 rows in memory), so memory stays bounded whatever the size; the file is sent, then
 * deleted. More than {@code maxExportRows} rows are refused with {@code 400} naming {@code format} before anything is
 * sent: an export is never cut short silently.
 *
 * <p>{@code lang=zh} (the default) writes Chinese headers and Chinese labels of severities, statuses and categories,
 * for people; {@code lang=en} writes the API's field names and codes, for scripts (a readings export in English is a
 * CSV that {@code POST /api/v1/readings} and the imports read back).
 */
final class Exports {
    private final Vertx vertx;
    /** The most rows an export holds ({@code maxExportRows}). */
    private final int maxRows;
    /** Rows read from the database at a time. */
    static final int PAGE = 10_000;

    static final String XLSX = ReportsHandler.XLSX;
    static final Set<String> FORMATS = Set.of("json", "csv", "xlsx");

    static final Map<String, String> STATUS =
            Map.of("pending", "待确认触发", "open", "未处理", "acknowledged", "处理中", "resolved", "已解决");
    static final Map<String, String> YES_NO = Map.of("true", "是", "false", "否");
    static final Map<String, String> CATEGORY =
            Map.of("air", "空气质量", "water", "水环境", "debt", "政府债务", "safety", "安全生产", "target", "目标任务");

    /**
     * A column: its Chinese header, its API name, and its value in a row (a String, a Number or null); {@code zh}
     * translates a code for the Chinese file (null: the value as it is).
     */
    record Column(String zh, String en, Function<JsonObject, Object> value, Map<String, String> labels) {
        Column(String zh, String en, Function<JsonObject, Object> value) {
            this(zh, en, value, null);
        }

        /** A column of the row's field {@code en}. */
        static Column of(String zh, String en) {
            return new Column(zh, en, r -> r.getValue(en));
        }

        /** A column of a code of the row's field {@code en}, labelled in Chinese by {@code labels}. */
        static Column coded(String zh, String en, Map<String, String> labels) {
            return new Column(zh, en, r -> r.getValue(en), labels);
        }

        /** A yes/no column of the row's boolean field {@code en}: 是/否 in the Chinese file, true/false in English. */
        static Column flag(String zh, String en) {
            return new Column(zh, en, r -> String.valueOf(Boolean.TRUE.equals(r.getBoolean(en))), YES_NO);
        }

        Object cell(JsonObject row, boolean chinese) {
            Object v = value.apply(row);
            if (chinese && labels != null && v != null) {
                return labels.getOrDefault(String.valueOf(v), String.valueOf(v));
            }
            return v instanceof Number || v == null ? v : String.valueOf(v);
        }
    }

    /** One page of rows and the cursor of the next page (null after the last page). */
    record Page(List<JsonObject> rows, Object next) {}

    /** The pages of a list: the first for a null cursor. */
    interface Source {
        Future<Page> page(Object cursor);
    }

    Exports(Vertx vertx, int maxRows) {
        this.vertx = vertx;
        this.maxRows = maxRows;
    }

    /** The {@code format} parameter: null for JSON, else csv or xlsx; 400 naming it otherwise. */
    static String format(RoutingContext ctx) {
        String f = param(ctx, "format");
        if (f != null && !FORMATS.contains(f)) {
            throw new InvalidParameterException("format", "format must be json (the default), csv or xlsx");
        }
        return f == null || f.equals("json") ? null : f;
    }

    /** {@code lang}: true for Chinese (the default), false for {@code en}; 400 naming it otherwise. */
    static boolean chinese(RoutingContext ctx) {
        String l = param(ctx, "lang");
        if (l != null && !l.equals("zh") && !l.equals("en")) {
            throw new InvalidParameterException("lang", "lang must be zh (the default) or en");
        }
        return !"en".equals(l);
    }

    /**
     * Answers the request with the file of every row of {@code source}: {@code name.csv} or {@code name.xlsx}, the
     * sheet named {@code sheet}. Fails the request (nothing sent) if the rows exceed {@code maxExportRows} or a page
     * fails.
     */
    void send(RoutingContext ctx, String format, String name, String sheet, List<Column> columns, Source source) {
        boolean chinese = chinese(ctx);
        vertx.<Sink>executeBlocking(() -> format.equals("csv") ? new CsvSink() : new XlsxSink(sheet), false)
                .onComplete(opened -> {
                    if (opened.failed()) {
                        ctx.fail(opened.cause());
                        return;
                    }
                    Sink sink = opened.result();
                    Future<Void> written = vertx.executeBlocking(
                                    () -> {
                                        sink.row(columns.stream()
                                                .map(c -> (Object) (chinese ? c.zh() : c.en()))
                                                .toList());
                                        return null;
                                    },
                                    false)
                            .compose(v -> pages(source, null, sink, columns, chinese, 0))
                            .compose(v -> vertx.executeBlocking(
                                    () -> {
                                        sink.finish();
                                        return null;
                                    },
                                    false));
                    written.onComplete(ar -> {
                        if (ar.failed()) {
                            vertx.executeBlocking(
                                    () -> {
                                        sink.discard();
                                        return null;
                                    },
                                    false);
                            ctx.fail(ar.cause());
                            return;
                        }
                        ctx.response()
                                .putHeader("Content-Type", format.equals("csv") ? "text/csv; charset=utf-8" : XLSX)
                                .putHeader(
                                        "Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"")
                                .sendFile(sink.file().toString())
                                .onComplete(sent -> vertx.executeBlocking(
                                        () -> {
                                            sink.discard();
                                            return null;
                                        },
                                        false));
                    });
                });
    }

    private Future<Void> pages(
            Source source, Object cursor, Sink sink, List<Column> columns, boolean chinese, long written) {
        return source.page(cursor).compose(page -> {
            long total = written + page.rows().size();
            if (total > maxRows) {
                return Future.failedFuture(new InvalidParameterException(
                        "format",
                        "more than " + maxRows + " rows match this filter, more than one export holds;"
                                + " narrow the filter (a shorter period, one subject or indicator)"));
            }
            return vertx.<Void>executeBlocking(
                            () -> {
                                for (JsonObject r : page.rows()) {
                                    sink.row(columns.stream()
                                            .map(c -> c.cell(r, chinese))
                                            .toList());
                                }
                                return null;
                            },
                            false)
                    .compose(v -> page.next() == null
                            ? Future.succeededFuture()
                            : pages(source, page.next(), sink, columns, chinese, total));
        });
    }

    /** A file being written, one row at a time, on worker threads one call after another. */
    private interface Sink {
        void row(List<Object> cells) throws IOException;

        /** Completes the file. */
        void finish() throws IOException;

        Path file();

        /** Deletes the file and whatever the writer holds; safe to call twice. */
        void discard() throws IOException;
    }

    private static final class CsvSink implements Sink {
        private final Path file;
        private final CSVPrinter out;

        CsvSink() throws IOException {
            file = Files.createTempFile("tw-export-", ".csv");
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            w.write('\uFEFF');
            out = new CSVPrinter(w, CSVFormat.RFC4180);
        }

        @Override
        public void row(List<Object> cells) throws IOException {
            out.printRecord(cells);
        }

        @Override
        public void finish() throws IOException {
            out.close();
        }

        @Override
        public Path file() {
            return file;
        }

        @Override
        public void discard() throws IOException {
            out.close();
            Files.deleteIfExists(file);
        }
    }

    private static final class XlsxSink implements Sink {
        private final Path file;
        private final SXSSFWorkbook wb = new SXSSFWorkbook(100);
        private final SXSSFSheet sheet;
        private final CellStyle bold;
        private int next;

        XlsxSink(String title) throws IOException {
            file = Files.createTempFile("tw-export-", ".xlsx");
            sheet = wb.createSheet(title);
            bold = wb.createCellStyle();
            Font font = wb.createFont();
            font.setBold(true);
            bold.setFont(font);
        }

        @Override
        public void row(List<Object> cells) {
            SXSSFRow row = sheet.createRow(next);
            for (int c = 0; c < cells.size(); c++) {
                Object v = cells.get(c);
                var cell = row.createCell(c);
                if (v instanceof Number n) {
                    cell.setCellValue(n.doubleValue());
                } else if (v != null) {
                    cell.setCellValue(String.valueOf(v));
                }
                if (next == 0) {
                    cell.setCellStyle(bold);
                    sheet.setColumnWidth(c, 256 * 18);
                }
            }
            if (next == 0) {
                sheet.createFreezePane(0, 1);
            }
            next++;
        }

        @Override
        public void finish() throws IOException {
            try (OutputStream out = Files.newOutputStream(file)) {
                wb.write(out);
            }
            wb.close();
        }

        @Override
        public Path file() {
            return file;
        }

        @Override
        public void discard() throws IOException {
            wb.close();
            Files.deleteIfExists(file);
        }
    }
}
