package org.targetwatch.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.common.Times;
import org.targetwatch.config.Indicator;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.store.ReadingInput;

/**
 * Turns a request body into validated readings, all or nothing: either every item is valid and the list is
 * returned, or an exception lists every problem (up to {@value #MAX_REPORTED}) with the item index and field.
 * Pure and cheap: safe on the event loop.
 */
public final class ReadingParser {
    static final int MAX_REPORTED = 100;
    static final int MAX_SUBJECT_LENGTH = 128;
    static final int MAX_SOURCE_LENGTH = 1000;
    /** Readings before this instant are rejected as implausible (typo in the year). */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    private final IndicatorCatalog catalog;
    private final int maxBatch;
    private final Duration futureTolerance;

    public ReadingParser(IndicatorCatalog catalog, int maxBatch, Duration futureTolerance) {
        this.catalog = catalog;
        this.maxBatch = maxBatch;
        this.futureTolerance = futureTolerance;
    }

    /**
     * Parses a JSON body: one reading object or an array of them.
     *
     * @param now the server's current time; observedAt may lie at most {@code futureTolerance} after it
     * @throws MalformedRequestException (400) for a body that is not a JSON object or array
     * @throws BatchTooLargeException    (413) for more than {@code maxBatch} items
     * @throws InvalidReadingException   (422) listing every invalid item and field
     */
    public ParsedBatch parse(Buffer body, Instant now) {
        if (body == null || body.length() == 0) {
            throw new MalformedRequestException("body must be a JSON object (one reading) or a JSON array of readings");
        }
        return validate(StrictJson.decode(body, InvalidReadingException::new), now);
    }

    /** The CSV columns: a header row names them, in any order; {@code source} is optional. */
    static final List<String> CSV_COLUMNS = List.of("indicator", "subject", "observedAt", "value", "unit");

    static final List<String> CSV_OPTIONAL = List.of("source", "flag");
    /** A CSV number: decimal digits with an optional sign, fraction and exponent; no hex, no type suffix. */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    /**
     * Parses CSV (RFC 4180, UTF-8, an optional byte-order mark): a header row naming the columns
     * {@code indicator, subject, observedAt, value, unit[, source][, flag]} in any order, each once, then one reading per
     * row with no more fields than the header. Values are decimal numbers. Rows are validated exactly like JSON
     * items; an error's {@code index} is the data row (0 = the first row after the header).
     *
     * @throws MalformedRequestException (400) for text that is not UTF-8 CSV, or a header that lacks a column, names
     *                                   one twice or names an unknown one
     */
    public ParsedBatch parseCsv(Buffer body, Instant now) {
        return parseCsv(body, CsvOptions.NONE, now);
    }

    /**
     * How a CSV body is read besides its own text.
     *
     * @param charset the Content-Type's charset, or null to detect UTF-8 or GB18030 (see {@link CsvText})
     * @param mapping wide layout: column header → indicator code, {@code observedAt} or {@code subject}
     * @param subject wide layout without a station column: the station every row is about, or null
     */
    public record CsvOptions(String charset, Map<String, String> mapping, String subject) {
        public static final CsvOptions NONE = new CsvOptions(null, Map.of(), null);
    }

    /**
     * Parses CSV in the long layout (above) or the wide layout of station exports ({@link WideLayout}): one row per
     * hour, a time column, a station column or {@code options.subject}, one column per indicator. A wide file's
     * errors name the data row ({@code index}) and the column ({@code field}: its header).
     */
    public ParsedBatch parseCsv(Buffer body, CsvOptions options, Instant now) {
        String text = CsvText.decode(body == null ? new byte[0] : body.getBytes(), options.charset());
        List<List<String>> rows = CsvText.records(
                text,
                maxBatch,
                () -> new BatchTooLargeException("CSV has more than " + maxBatch + " readings (maxBatchReadings)"));
        if (rows.isEmpty()) {
            throw new MalformedRequestException("CSV is empty; the first row must name the columns "
                    + String.join(",", CSV_COLUMNS) + "[,source][,flag], or those of the wide layout");
        }
        return parseTables(List.of(new Table(null, rows, null, false)), options, now);
    }

    /**
     * Parses an Excel workbook ({@code .xlsx} or {@code .xls}): every sheet that holds anything is a table in the
     * long or the wide layout, read as CSV is ({@link Workbooks}); the workbook is all or nothing. Errors name the
     * sheet and cell ({@code 小时数据!C5}) in their message.
     *
     * @throws MalformedRequestException (400) for bytes that are no workbook
     */
    public ParsedBatch parseWorkbook(Buffer body, CsvOptions options, Instant now) {
        List<Table> tables = Workbooks.read(body == null ? new byte[0] : body.getBytes(), maxBatch);
        return parseTables(tables, options, now);
    }

    /**
     * One table of a body: its rows, the first the header. {@code sheet} and {@code rowNumbers} (the 1-based row
     * of each in its sheet) are a workbook's, null for CSV; a workbook's numeric cells in a time column are Excel
     * serial dates ({@code serialDates}).
     */
    public record Table(String sheet, List<List<String>> rows, List<Integer> rowNumbers, boolean serialDates) {
        /** Where a data row's cell is, for messages: {@code 小时数据!C5}, or null for CSV. */
        String cell(int dataRow, int column) {
            return sheet == null ? null : sheet + "!" + Workbooks.column(column) + rowNumbers.get(dataRow + 1);
        }
    }

    /**
     * Where an item came from: its table and data row; for a wide layout's cell also its column (index and header)
     * and the plan of its table, null for a long layout's row.
     */
    private record Origin(Table table, int row, int columnIndex, String column, WideLayout.Plan plan) {}

    /**
     * Parses one table read from an import file ({@link ImportFile}: the file's header and some of its rows) as a
     * posted CSV or workbook is; error indexes are the table's data rows.
     */
    public TableBatch parseTable(Table table, CsvOptions options, Instant now) {
        List<Integer> rows = new ArrayList<>();
        ParsedBatch batch = parseTables(List.of(table), options, now, rows);
        int[] byItem = new int[rows.size()];
        for (int i = 0; i < byItem.length; i++) {
            byItem[i] = rows.get(i);
        }
        return new TableBatch(batch, byItem);
    }

    /** A parsed table and, per item ({@link ReadingInput#index}), the table's data row it came from. */
    public record TableBatch(ParsedBatch batch, int[] rowOfItem) {}

    /** This parser with another limit of readings per body (an import's tables are limited by their rows). */
    public ReadingParser withMaxBatch(int max) {
        return new ReadingParser(catalog, max, futureTolerance);
    }

    /** The indicator catalog the parser validates against. */
    public IndicatorCatalog catalog() {
        return catalog;
    }

    private ParsedBatch parseTables(List<Table> tables, CsvOptions options, Instant now) {
        return parseTables(tables, options, now, null);
    }

    private ParsedBatch parseTables(List<Table> tables, CsvOptions options, Instant now, List<Integer> itemRows) {
        JsonArray items = new JsonArray();
        List<Origin> origins = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Table t : tables) {
            if (t.rows().get(0).contains("indicator")) {
                longLayout(t, items, origins, errors);
            } else {
                ignored.addAll(wideLayout(t, options, items, origins, errors));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidReadingException(errors);
        }
        if (items.isEmpty()) {
            throw new InvalidReadingException(List.of(new FieldError(null, "", "the file holds no readings")));
        }
        if (itemRows != null) {
            origins.forEach(o -> itemRows.add(o.row()));
        }
        try {
            ParsedBatch batch = validate(items, now);
            return new ParsedBatch(batch.items(), true, batch.readings(), null, List.copyOf(ignored));
        } catch (InvalidReadingException e) {
            throw new InvalidReadingException(e.errors().stream()
                    .map(x -> {
                        Origin o = origins.get(x.index());
                        int column = o.plan() != null
                                ? o.columnIndex()
                                : o.table().rows().get(0).indexOf(x.field());
                        return located(o.table(), o.row(), column, field(o, x.field()), x.message());
                    })
                    .toList());
        }
    }

    /** The field an item's error is reported under: a long row's own, a wide cell's column header. */
    private static String field(Origin o, String field) {
        if (o.plan() == null) {
            return field;
        }
        List<String> header = o.table().rows().get(0);
        return switch (field) {
            case "value", "indicator", "unit" -> o.column();
            case "observedAt" -> header.get(o.plan().time());
            case "subject" ->
                o.plan().subject() < 0 ? "subject" : header.get(o.plan().subject());
            default -> o.column() + "." + field;
        };
    }

    /** An error at a data row; a workbook's message leads with the sheet and cell. */
    private static FieldError located(Table t, int row, int column, String field, String message) {
        String cell = column < 0 ? null : t.cell(row, column);
        return new FieldError(row, field, cell == null ? message : cell + ": " + message);
    }

    /** The long layout: one reading per row, the header naming the columns of {@link #CSV_COLUMNS}. */
    private void longLayout(Table t, JsonArray items, List<Origin> origins, List<FieldError> errors) {
        List<String> header = t.rows().get(0);
        String where = t.sheet() == null ? "CSV header" : "the header of sheet '" + t.sheet() + "'";
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty() && t.sheet() != null) {
                continue; // a workbook's blank header cell
            }
            if (!CSV_COLUMNS.contains(name) && !CSV_OPTIONAL.contains(name)) {
                throw new MalformedRequestException(
                        where + " names an unknown column '" + name + "'; expected " + String.join(",", CSV_COLUMNS)
                                + "[,source][,flag]",
                        List.of(new FieldError(null, name, "unknown CSV column")));
            }
            if (columns.putIfAbsent(name, i) != null) {
                throw new MalformedRequestException(
                        where + " names the column '" + name + "' twice",
                        List.of(new FieldError(null, name, "duplicate CSV column")));
            }
        }
        for (String column : CSV_COLUMNS) {
            if (!columns.containsKey(column)) {
                throw new MalformedRequestException(
                        where + " lacks the column '" + column + "'; expected " + String.join(",", CSV_COLUMNS)
                                + "[,source][,flag]",
                        List.of(new FieldError(null, column, "missing CSV column")));
            }
        }
        for (int row = 0; row + 1 < t.rows().size(); row++) {
            List<String> r = t.rows().get(row + 1);
            if (items.size() >= maxBatch) {
                throw new BatchTooLargeException("more than " + maxBatch + " readings (maxBatchReadings)");
            }
            if (r.size() > header.size()) {
                errors.add(located(
                        t,
                        row,
                        header.size(),
                        "",
                        "row has " + r.size() + " fields, the header " + header.size()
                                + "; nothing after the last column is dropped: quote a field that holds a comma"));
            }
            JsonObject item = new JsonObject();
            for (Map.Entry<String, Integer> c : columns.entrySet()) {
                String v = c.getValue() < r.size() ? r.get(c.getValue()) : "";
                if (v.isEmpty()) {
                    continue;
                }
                if (c.getKey().equals("value")) {
                    item.put("value", DECIMAL.matcher(v).matches() ? (Object) Double.parseDouble(v) : v);
                } else {
                    item.put(c.getKey(), v);
                }
            }
            items.add(item);
            origins.add(new Origin(t, row, -1, null, null));
        }
    }

    /** The wide layout ({@link WideLayout}); returns the headers it skipped. */
    private List<String> wideLayout(
            Table t, CsvOptions options, JsonArray items, List<Origin> origins, List<FieldError> errors) {
        List<String> header = t.rows().get(0);
        WideLayout.Plan plan = WideLayout.plan(header, catalog, options.mapping());
        if (plan.subject() < 0 && options.subject() == null) {
            throw new MalformedRequestException(
                    "the wide layout needs the station: a column (站点, subject, ...) or the query parameter subject"
                            + (t.sheet() == null ? "" : " (sheet '" + t.sheet() + "')"),
                    List.of(new FieldError(null, "subject", "no station column and no subject parameter")));
        }
        String timeHeader = header.get(plan.time());
        for (int row = 0; row + 1 < t.rows().size() && errors.size() < MAX_REPORTED; row++) {
            List<String> r = t.rows().get(row + 1);
            String timeCell = plan.time() < r.size() ? r.get(plan.time()) : "";
            String observedAt;
            try {
                observedAt = WideLayout.time(timeCell, t.serialDates());
            } catch (IllegalArgumentException e) {
                errors.add(located(t, row, plan.time(), timeHeader, e.getMessage()));
                continue;
            }
            String subject =
                    plan.subject() < 0 ? options.subject() : plan.subject() < r.size() ? r.get(plan.subject()) : "";
            for (WideLayout.Column c : plan.columns()) {
                String cell = c.index() < r.size() ? r.get(c.index()).strip() : "";
                if (WideLayout.NO_VALUE.contains(cell)) {
                    continue;
                }
                if (!DECIMAL.matcher(cell).matches()) {
                    errors.add(located(t, row, c.index(), c.header(), "'" + cell + "' is no number"));
                    continue;
                }
                if (items.size() >= maxBatch) {
                    throw new BatchTooLargeException("more than " + maxBatch + " readings (maxBatchReadings)");
                }
                items.add(new JsonObject()
                        .put("indicator", c.indicator().code())
                        .put("subject", subject)
                        .put("observedAt", observedAt)
                        .put(
                                "value",
                                new java.math.BigDecimal(cell)
                                        .multiply(c.factor())
                                        .doubleValue())
                        .put("unit", c.indicator().unit()));
                origins.add(new Origin(t, row, c.index(), c.header(), plan));
            }
        }
        return plan.ignored();
    }

    /**
     * Validates readings given as JSON items (another input's readings, as an HJ 212 frame's), exactly as a JSON
     * array posted to {@code POST /api/v1/readings}; error indexes are positions in {@code items}.
     */
    public ParsedBatch parseItems(JsonArray items, Instant now) {
        return validate(items, now);
    }

    private ParsedBatch validate(Object decoded, Instant now) {
        List<Object> items = new ArrayList<>();
        if (decoded instanceof JsonObject o) {
            items.add(o);
        } else if (decoded instanceof JsonArray a) {
            if (a.size() > maxBatch) {
                throw new BatchTooLargeException("batch of " + a.size() + " readings exceeds the limit of " + maxBatch
                        + " per request (maxBatchReadings)");
            }
            a.forEach(items::add);
            if (items.isEmpty()) {
                throw new InvalidReadingException(List.of(new FieldError(null, "", "the array holds no readings")));
            }
        } else {
            throw new MalformedRequestException("body must be a JSON object (one reading) or a JSON array of readings");
        }

        List<FieldError> errors = new ArrayList<>();
        List<ReadingInput> out = new ArrayList<>(items.size());
        Map<ReadingInput.Key, ReadingInput> seen = new HashMap<>();
        Instant latest = now.plus(futureTolerance);
        for (int i = 0; i < items.size() && errors.size() < MAX_REPORTED; i++) {
            Integer index = decoded instanceof JsonArray ? i : null;
            if (!(items.get(i) instanceof JsonObject item)) {
                errors.add(new FieldError(index, "", "each reading must be a JSON object"));
                continue;
            }
            int before = errors.size();
            Optional<Indicator> indicator = text(item, "indicator", index, errors, 64)
                    .flatMap(code -> {
                        Optional<Indicator> found = catalog.find(code);
                        if (found.isEmpty()) {
                            errors.add(new FieldError(
                                    index,
                                    "indicator",
                                    "unknown indicator '" + code + "'; GET /api/v1/indicators lists the known ones"));
                        }
                        return found;
                    });
            Optional<String> subject = text(item, "subject", index, errors, MAX_SUBJECT_LENGTH);
            Optional<Instant> observedAt = observedAt(item, index, errors, indicator, latest);
            Optional<Double> value = value(item, index, errors, indicator);
            Optional<String> unit = text(item, "unit", index, errors, 32);
            if (unit.isPresent()
                    && indicator.isPresent()
                    && !unit.get().equals(indicator.get().unit())) {
                errors.add(new FieldError(
                        index,
                        "unit",
                        "unit '" + unit.get() + "' does not match indicator "
                                + indicator.get().code() + ", which is measured in '"
                                + indicator.get().unit() + "'"));
            }
            Object rawSource = item.getValue("source");
            String source = null;
            if (rawSource != null) {
                if (!(rawSource instanceof String s) || s.length() > MAX_SOURCE_LENGTH) {
                    errors.add(new FieldError(
                            index, "source", "must be a string of at most " + MAX_SOURCE_LENGTH + " characters"));
                } else if (StrictJson.textProblem(s) != null) {
                    errors.add(new FieldError(index, "source", StrictJson.textProblem(s)));
                } else {
                    source = s;
                }
            }
            String flag = flag(item, index, errors, indicator);
            if (errors.size() > before) {
                continue;
            }
            ReadingInput input = new ReadingInput(
                    i, indicator.get(), subject.get(), observedAt.get(), value.get(), unit.get(), source, flag);
            ReadingInput earlier = seen.putIfAbsent(input.key(), input);
            if (earlier == null) {
                out.add(input);
            } else if (Double.compare(earlier.value(), input.value()) != 0
                    || !java.util.Objects.equals(earlier.flag(), input.flag())) {
                errors.add(new FieldError(
                        index,
                        Double.compare(earlier.value(), input.value()) != 0 ? "value" : "flag",
                        "conflicts with item " + earlier.index()
                                + ": same indicator, subject and observedAt with a different value or flag; send"
                                + " corrections in a separate request"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidReadingException(errors);
        }
        return new ParsedBatch(items.size(), decoded instanceof JsonArray, out);
    }

    /**
     * A valid request: {@code items} readings were sent ({@code array}: as a JSON array, so errors carry indexes);
     * {@code readings} holds them without in-request repeats (same key and value), in request order.
     * {@code hourLabel} is the import's convention for hourly values ({@code start} or {@code end} of the hour), or
     * null to follow each station's {@code hourLabel} setting (see {@link HourLabels}). {@code ignoredColumns}: the
     * headers of a wide layout that named nothing stored.
     */
    public record ParsedBatch(
            int items, boolean array, List<ReadingInput> readings, String hourLabel, List<String> ignoredColumns) {
        public ParsedBatch(int items, boolean array, List<ReadingInput> readings) {
            this(items, array, readings, null, List.of());
        }

        public ParsedBatch withHourLabel(String label) {
            return new ParsedBatch(items, array, readings, label, ignoredColumns);
        }
    }

    /**
     * The optional HJ 212 data flag of an hourly or sample value, as stored: null for none or {@code N} (valid),
     * else one of {@code F M S D C T B}. Statistics of period indicators have no flags.
     */
    private static String flag(JsonObject item, Integer index, List<FieldError> errors, Optional<Indicator> indicator) {
        Object v = item.getValue("flag");
        if (v == null) {
            return null;
        }
        if (!(v instanceof String f) || !org.targetwatch.facts.DataFlags.known(f)) {
            errors.add(new FieldError(
                    index,
                    "flag",
                    "must be one of the HJ 212 data flags N (valid), "
                            + String.join(", ", org.targetwatch.facts.DataFlags.NOT_VALID.keySet())));
            return null;
        }
        if (indicator.isPresent() && "period".equals(indicator.get().frequency())) {
            errors.add(new FieldError(
                    index,
                    "flag",
                    "indicator " + indicator.get().code() + " is a period statistic; only hourly and sample values"
                            + " carry a data flag"));
            return null;
        }
        return org.targetwatch.facts.DataFlags.stored(f);
    }

    private static Optional<String> text(
            JsonObject item, String field, Integer index, List<FieldError> errors, int maxLength) {
        Object v = item.getValue(field);
        if (v == null) {
            errors.add(new FieldError(index, field, "is required"));
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            errors.add(new FieldError(index, field, "must be a string"));
            return Optional.empty();
        }
        String trimmed = s.strip();
        if (trimmed.isEmpty()) {
            errors.add(new FieldError(index, field, "must not be empty"));
            return Optional.empty();
        }
        if (trimmed.length() > maxLength) {
            errors.add(new FieldError(index, field, "must be at most " + maxLength + " characters"));
            return Optional.empty();
        }
        if (StrictJson.notPlainLine(trimmed)) {
            errors.add(new FieldError(index, field, "must not contain control characters or lone surrogates"));
            return Optional.empty();
        }
        return Optional.of(trimmed);
    }

    private static Optional<Instant> observedAt(
            JsonObject item, Integer index, List<FieldError> errors, Optional<Indicator> indicator, Instant latest) {
        Object v = item.getValue("observedAt");
        if (v == null) {
            errors.add(new FieldError(index, "observedAt", "is required"));
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            errors.add(new FieldError(
                    index,
                    "observedAt",
                    "must be an ISO-8601 string with offset, e.g. " + "2023-03-01T08:00:00+08:00"));
            return Optional.empty();
        }
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(s.strip());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(
                    index,
                    "observedAt",
                    "'" + s + "' is not an ISO-8601 date-time with offset," + " e.g. 2023-03-01T08:00:00+08:00"));
            return Optional.empty();
        }
        Instant instant = t.toInstant();
        if (instant.isAfter(latest)) {
            errors.add(new FieldError(index, "observedAt", "'" + s + "' lies in the future"));
            return Optional.empty();
        }
        if (instant.isBefore(EARLIEST)) {
            errors.add(new FieldError(index, "observedAt", "'" + s + "' is before 1970"));
            return Optional.empty();
        }
        if (instant.getNano() != 0) {
            errors.add(new FieldError(
                    index, "observedAt", "'" + s + "' has a fraction of a second; readings are kept to the second"));
            return Optional.empty();
        }
        if (indicator.isPresent() && indicator.get().hourly()) {
            ZonedDateTime local = instant.atZone(Times.ZONE);
            if (local.getMinute() != 0 || local.getSecond() != 0 || local.getNano() != 0) {
                errors.add(new FieldError(
                        index,
                        "observedAt",
                        indicator.get().code() + " is an hourly mean:"
                                + " observedAt must be the start of the hour (minutes and seconds 0), got '" + s
                                + "'"));
                return Optional.empty();
            }
        }
        return Optional.of(instant);
    }

    private static Optional<Double> value(
            JsonObject item, Integer index, List<FieldError> errors, Optional<Indicator> indicator) {
        Object v = item.getValue("value");
        if (v == null) {
            errors.add(new FieldError(index, "value", "is required"));
            return Optional.empty();
        }
        if (!(v instanceof Number n)) {
            errors.add(new FieldError(index, "value", "must be a number"));
            return Optional.empty();
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            errors.add(new FieldError(index, "value", "must be a finite number"));
            return Optional.empty();
        }
        if (indicator.isPresent()) {
            Indicator ind = indicator.get();
            if (d < ind.min() || d > ind.max()) {
                errors.add(new FieldError(
                        index,
                        "value",
                        d + " is outside the allowed range [" + fmt(ind.min()) + ", " + fmt(ind.max()) + "] "
                                + ind.unit() + " of " + ind.code()));
                return Optional.empty();
            }
            if (ind.integer() && d != Math.rint(d)) {
                errors.add(new FieldError(index, "value", ind.code() + " is a count: value must be a whole number"));
                return Optional.empty();
            }
        }
        return Optional.of(d == 0.0 ? 0.0 : d);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
