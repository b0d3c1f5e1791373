package org.targetwatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Subjects as CSV (what {@code POST /api/v1/subjects} takes as {@code text/csv}): a header row, then one subject a
 * row. The columns {@code id}, {@code kind}, {@code name} and {@code region} (or 编号, 类型, 名称, 区域) are the
 * subject's; every other column is a setting, a dotted header one inside an object ({@code hj212.mn},
 * {@code hj212.password}). An empty cell is an absent value. {@code samplesPerYear} is read as the integer it is.
 * The rows become the JSON array {@link SubjectParser} reads, so a CSV is checked exactly as JSON is, all or
 * nothing, an error's {@code index} being the data row (0 = the first row after the header).
 */
public final class SubjectCsv {
    private static final Map<String, String> COLUMNS = Map.of(
            "id", "id", "kind", "kind", "name", "name", "region", "region", "编号", "id", "类型", "kind", "名称", "name",
            "区域", "region");
    private static final java.util.Set<String> INTEGERS = java.util.Set.of("samplesPerYear");
    /** The most rows a CSV of subjects may hold (as a JSON array). */
    public static final int MAX_ROWS = 10_000;

    private SubjectCsv() {}

    /**
     * The subjects of a CSV body as JSON objects.
     *
     * @throws MalformedRequestException (400) for text that is not CSV, an empty file, a header naming a column
     *     twice or a blank header, or more than {@link #MAX_ROWS} rows
     */
    public static JsonArray parse(byte[] body, String charset) {
        String text = CsvText.decode(body, charset);
        List<List<String>> rows = CsvText.records(
                text, MAX_ROWS, () -> new MalformedRequestException("CSV has more than " + MAX_ROWS + " subjects"));
        if (rows.size() < 2) {
            throw new MalformedRequestException(
                    "CSV needs a header row (id,kind,name,region and settings such as district) and at least one subject");
        }
        List<String> header = rows.get(0);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String h : header) {
            if (h.isEmpty() || !seen.add(COLUMNS.getOrDefault(h, h))) {
                throw new MalformedRequestException(
                        h.isEmpty()
                                ? "CSV header has a blank column name"
                                : "CSV header names column '" + h + "' twice");
            }
        }
        if (!seen.contains("id") || !seen.contains("kind")) {
            throw new MalformedRequestException("CSV header must name the columns id and kind (编号, 类型)");
        }
        JsonArray out = new JsonArray();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() > header.size()) {
                throw new MalformedRequestException("CSV data row " + (r - 1) + " has " + row.size()
                        + " cells, more than the header's " + header.size());
            }
            JsonObject subject = new JsonObject();
            JsonObject settings = new JsonObject();
            for (int c = 0; c < header.size() && c < row.size(); c++) {
                String value = row.get(c);
                if (value.isEmpty()) {
                    continue;
                }
                String column = COLUMNS.get(header.get(c));
                if (column != null) {
                    subject.put(column, value);
                } else {
                    put(settings, header.get(c), value);
                }
            }
            if (!settings.isEmpty()) {
                subject.put("settings", settings);
            }
            out.add(subject);
        }
        return out;
    }

    private static void put(JsonObject settings, String header, String value) {
        String[] path = header.split("\\.");
        JsonObject at = settings;
        for (int i = 0; i < path.length - 1; i++) {
            Object next = at.getValue(path[i]);
            if (!(next instanceof JsonObject)) {
                next = new JsonObject();
                at.put(path[i], next);
            }
            at = (JsonObject) next;
        }
        String key = path[path.length - 1];
        if (INTEGERS.contains(key) && value.matches("-?\\d{1,9}")) {
            at.put(key, Integer.valueOf(value));
        } else {
            at.put(key, value);
        }
    }
}
