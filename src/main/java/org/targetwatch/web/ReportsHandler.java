package org.targetwatch.web;

import static org.targetwatch.web.Http.*;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.targetwatch.common.Times;
import org.targetwatch.facts.Subject;
import org.targetwatch.review.Briefing;
import org.targetwatch.store.SubjectStore;

/**
 * Briefings: GET /api/v1/reports/monthly?month=2023-05, /quarterly?quarter=2023-Q2, /annual?year=2023, each with
 * {@code district} (optional when exactly one district is registered) and {@code format} json (default), xlsx (one
 * sheet per section) or html (a printable page, print-to-PDF from the browser). The workbook and the page are
 * written off the event loop.
 */
final class ReportsHandler {
    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(0[1-9]|1[0-2])");
    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-Q([1-4])");
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /** The page carries its own style and nothing else: no script, no request anywhere. */
    static final String HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private final Vertx vertx;
    private final Briefing briefing;
    private final SubjectStore subjects;
    private final Clock clock;

    ReportsHandler(Vertx vertx, Briefing briefing, SubjectStore subjects, Clock clock) {
        this.vertx = vertx;
        this.briefing = briefing;
        this.subjects = subjects;
        this.clock = clock;
    }

    void monthly(RoutingContext ctx) {
        Matcher m = match(ctx, "month", MONTH, "month must be YYYY-MM, e.g. 2023-05");
        answer(ctx, Briefing.Period.month(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }

    void quarterly(RoutingContext ctx) {
        Matcher m = match(ctx, "quarter", QUARTER, "quarter must be YYYY-Qn, e.g. 2023-Q2");
        answer(ctx, Briefing.Period.quarter(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }

    void annual(RoutingContext ctx) {
        answer(ctx, Briefing.Period.year(yearParam(ctx)));
    }

    private static Matcher match(RoutingContext ctx, String name, Pattern p, String message) {
        Matcher m = p.matcher(required(ctx, name));
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1970) {
            throw new InvalidParameterException(name, message);
        }
        return m;
    }

    private void answer(RoutingContext ctx, Briefing.Period period) {
        String format = param(ctx, "format");
        if (format != null && !List.of("json", "xlsx", "html").contains(format)) {
            throw new InvalidParameterException("format", "format must be json, xlsx or html");
        }
        String hours = param(ctx, "overdueHours");
        int overdueHours;
        try {
            overdueHours = hours == null ? 24 : Integer.parseInt(hours);
        } catch (NumberFormatException e) {
            overdueHours = -1;
        }
        if (overdueHours < 1 || overdueHours > 24 * 365) {
            throw new InvalidParameterException(
                    "overdueHours", "overdueHours must be a whole number of hours, 1 to 8760");
        }
        int overdue = overdueHours;
        String district = param(ctx, "district");
        (district != null
                        ? TargetsHandler.knownDistrict(subjects, district)
                        : subjects.list("district", null).map(ReportsHandler::onlyDistrict))
                .compose(d -> briefing.build(d, period, overdue))
                .compose(b -> {
                    if (format == null || format.equals("json")) {
                        return io.vertx.core.Future.succeededFuture((Object) b);
                    }
                    String generated = Times.format(clock.instant());
                    return vertx.executeBlocking(
                            () -> format.equals("xlsx") ? (Object) workbook(b, generated) : html(b, generated), false);
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                        return;
                    }
                    if (ar.result() instanceof JsonObject json) {
                        ErrorMapper.write(ctx, 200, json);
                        return;
                    }
                    String name = "briefing-" + period.kind() + "-" + period.from()
                            + (format.equals("xlsx") ? ".xlsx" : ".html");
                    ctx.response()
                            .putHeader("Content-Type", format.equals("xlsx") ? XLSX : "text/html; charset=utf-8")
                            .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
                    if (format.equals("html")) {
                        ctx.response().putHeader("Content-Security-Policy", HTML_CSP);
                    }
                    ctx.response().end((Buffer) ar.result());
                });
    }

    /** Without a district parameter: the one registered district, else a 400 asking for it. */
    private static Subject onlyDistrict(List<Subject> districts) {
        if (districts.size() != 1) {
            throw new InvalidParameterException(
                    "district", "district is required: " + districts.size() + " districts are registered");
        }
        return districts.get(0);
    }

    static Buffer workbook(JsonObject b, String generated) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            CellStyle bold = wb.createCellStyle();
            Font font = wb.createFont();
            font.setBold(true);
            bold.setFont(font);
            for (BriefingSheets.Sheet s : BriefingSheets.of(b, generated)) {
                XSSFSheet sheet = wb.createSheet(s.title());
                int r = 0;
                int widest = 0;
                for (BriefingSheets.Line line : s.lines()) {
                    XSSFRow row = sheet.createRow(r++);
                    widest = Math.max(widest, line.cells().size());
                    for (int c = 0; c < line.cells().size(); c++) {
                        Object v = line.cells().get(c);
                        var cell = row.createCell(c);
                        if (v instanceof Number n) {
                            cell.setCellValue(n.doubleValue());
                        } else if (v != null) {
                            cell.setCellValue(String.valueOf(v));
                        }
                        if (line.header()) {
                            cell.setCellStyle(bold);
                        }
                    }
                }
                for (int c = 0; c < widest; c++) {
                    sheet.setColumnWidth(c, 256 * (c == 0 ? 28 : 16));
                }
            }
            wb.write(out);
            return Buffer.buffer(out.toByteArray());
        }
    }

    static Buffer html(JsonObject b, String generated) {
        StringBuilder h = new StringBuilder();
        String title = b.getJsonObject("district").getString("name") + " "
                + b.getJsonObject("period").getString("label") + " "
                + BriefingSheets.kindName(b.getString("kind"));
        h.append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append(
                        "</title><style>body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2em;color:#1d2330}")
                .append(
                        "table{border-collapse:collapse;margin-bottom:1.2em;width:100%}td,th{border:1px solid #c8ced8;padding:.25em .5em;")
                .append(
                        "font-size:.9em;text-align:left}th{background:#eef1f6}h2{page-break-after:avoid;border-bottom:2px solid #1f3b63}")
                .append("tr{page-break-inside:avoid}@page{size:A4;margin:15mm}</style></head><body><h1>")
                .append(esc(title))
                .append("</h1>");
        for (BriefingSheets.Sheet s : BriefingSheets.of(b, generated)) {
            h.append("<h2>").append(esc(s.title())).append("</h2><table>");
            for (BriefingSheets.Line line : s.lines()) {
                if (line.cells().isEmpty()) {
                    h.append("</table><table>");
                    continue;
                }
                h.append("<tr>");
                for (Object v : line.cells()) {
                    String tag = line.header() ? "th" : "td";
                    h.append('<')
                            .append(tag)
                            .append('>')
                            .append(v == null ? "" : esc(String.valueOf(v)))
                            .append("</")
                            .append(tag)
                            .append('>');
                }
                h.append("</tr>");
            }
            h.append("</table>");
        }
        h.append("</body></html>");
        return Buffer.buffer(h.toString().replace("<table></table>", "").getBytes(StandardCharsets.UTF_8));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
