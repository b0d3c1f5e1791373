package org.targetwatch.ingest;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.targetwatch.common.RejectedRequestException.FieldError;
import org.targetwatch.common.Times;
import org.targetwatch.config.Indicator;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.config.Units;

/**
 * The wide layout of station exports and workbooks: one row per hour, a time column, optionally a station column,
 * and one column per pollutant ({@code 时间,PM2.5,PM10,二氧化硫,...}). A column header names its indicator by code
 * ({@code PM2_5}), by one of the catalog's {@code aliases} ({@code PM2.5}, {@code 细颗粒物}) or by the import's
 * {@code mapping}; a unit in brackets after it ({@code PM2.5(μg/m³)}, {@code CO（mg/m3）}) is converted from.
 *
 * <p>Contract: a header that names no indicator, time or station is ignored and reported ({@code AQI},
 * {@code 首要污染物}, ...); a header whose unit does not convert to its indicator's refuses the file, naming the
 * column. An empty cell, {@code -}, {@code --}, {@code —} or {@code /} is no value; any other text that is no number
 * refuses the file naming the row and column.
 */
public final class WideLayout {
    /** Headers of the time column, after normalisation (lower case, no spaces). */
    static final List<String> TIME_HEADERS =
            List.of("observedat", "时间", "监测时间", "数据时间", "日期时间", "采样时间", "datetime", "time", "timepoint");
    /** Headers of the station column. */
    static final List<String> SUBJECT_HEADERS =
            List.of("subject", "站点", "站点编号", "站点名称", "监测点位", "点位", "断面", "断面名称", "station");

    static final List<String> NO_VALUE = List.of("", "-", "--", "—", "/", "／");

    /** A pollutant column: its index, header, indicator and the factor from its header's unit to the indicator's. */
    record Column(int index, String header, Indicator indicator, java.math.BigDecimal factor) {}

    /**
     * What the header row says.
     *
     * @param subject the station column, or -1 (then the import names the station)
     * @param ignored headers that name nothing TargetWatch stores
     */
    record Plan(int time, int subject, List<Column> columns, List<String> ignored) {}

    private WideLayout() {}

    /** The header as a key ({@link IndicatorCatalog#headerKey}) without its bracketed unit. */
    static String normalise(String header) {
        String h = header.strip();
        int bracket = firstBracket(h);
        if (bracket > 0) {
            h = h.substring(0, bracket);
        }
        return IndicatorCatalog.headerKey(h);
    }

    private static int firstBracket(String h) {
        int a = h.indexOf('(');
        int b = h.indexOf('（');
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /** The unit in brackets after a header, in TargetWatch's spelling ({@code μg/m³} is {@code ug/m3}), or null. */
    static String unitOf(String header) {
        int bracket = firstBracket(header);
        if (bracket < 0) {
            return null;
        }
        String u =
                header.substring(bracket + 1).replace(")", "").replace("）", "").strip();
        return u.replace("μ", "u").replace("µ", "u").replace("³", "3").replace(" ", "");
    }

    /**
     * Reads the header row.
     *
     * @param mapping header → indicator code, {@code observedAt} or {@code subject}, given with the import; it wins
     *                over codes and aliases
     * @throws MalformedRequestException naming the column when there is no time column, no pollutant column, a
     *                                   mapping to an unknown indicator, or a unit that does not convert
     */
    static Plan plan(List<String> header, IndicatorCatalog catalog, Map<String, String> mapping) {
        int time = -1;
        int subject = -1;
        List<Column> columns = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String raw = header.get(i);
            String target = mapping.get(raw.strip());
            String key = normalise(raw);
            if ("observedAt".equals(target) || (target == null && TIME_HEADERS.contains(key))) {
                time = i;
                continue;
            }
            if ("subject".equals(target) || (target == null && SUBJECT_HEADERS.contains(key))) {
                subject = i;
                continue;
            }
            Optional<Indicator> indicator = target != null ? catalog.find(target) : catalog.findByHeader(key);
            if (target != null && indicator.isEmpty()) {
                throw new MalformedRequestException(
                        "mapping names the unknown indicator '" + target + "' for column '" + raw + "'",
                        List.of(new FieldError(null, raw, "unknown indicator " + target)));
            }
            if (indicator.isEmpty()) {
                if (!raw.isBlank()) {
                    ignored.add(raw);
                }
                continue;
            }
            Indicator ind = indicator.get();
            String unit = unitOf(raw);
            java.math.BigDecimal factor = java.math.BigDecimal.ONE;
            if (unit != null
                    && !unit.equals(ind.unit())
                    && !(ind.unit().equals("pH") && List.of("无量纲", "无", "").contains(unit))) {
                try {
                    factor = Units.factor(unit, ind.unit());
                } catch (IllegalArgumentException e) {
                    throw new MalformedRequestException(
                            "column '" + raw + "': " + e.getMessage() + " (" + ind.code() + " is in " + ind.unit()
                                    + ")",
                            List.of(new FieldError(null, raw, e.getMessage())));
                }
            }
            columns.add(new Column(i, raw, ind, factor));
        }
        if (time < 0) {
            throw new MalformedRequestException(
                    "the header names neither the long layout's columns (indicator,subject,observedAt,value,unit) nor"
                            + " a time column of the wide layout (时间, 监测时间, observedAt, ...)",
                    List.of(new FieldError(null, "observedAt", "missing time column")));
        }
        if (columns.isEmpty()) {
            throw new MalformedRequestException(
                    "the wide layout's header names no indicator column; headers are matched by indicator code,"
                            + " by the names GET /api/v1/indicators lists as aliases, or by the mapping"
                            + (ignored.isEmpty() ? "" : "; not matched: " + String.join(", ", ignored)),
                    List.of(new FieldError(null, "", "no indicator column")));
        }
        return new Plan(time, subject, List.copyOf(columns), List.copyOf(ignored));
    }

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu[-][/]M[-][/]d")
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .appendPattern("H:mm")
            .optionalStart()
            .appendPattern(":ss")
            .optionalEnd()
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .toFormatter();

    /**
     * A time cell as ISO-8601 with offset: one with an offset as it is, a local one ({@code 2023-03-01 08:00},
     * {@code 2023/3/1 8:00:00}, {@code 2023-03-01T08:00}) in Beijing time, and in a workbook
     * ({@code serialDates}) an Excel serial date (45000.333... = 2023-03-15 08:00) in Beijing time, rounded to
     * the second.
     *
     * @throws IllegalArgumentException for anything else
     */
    static String time(String cell, boolean serialDates) {
        String c = cell.strip();
        if (serialDates && !c.isEmpty() && c.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
            double serial;
            try {
                serial = Double.parseDouble(c);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cell + "' is no time");
            }
            if (!org.apache.poi.ss.usermodel.DateUtil.isValidExcelDate(serial) || serial < 1) {
                throw new IllegalArgumentException("'" + cell + "' is no Excel date");
            }
            // to the second: a serial of 08:00 is 0.33333..., which is 07:59:59.99 in binary
            LocalDateTime t = org.apache.poi.ss.usermodel.DateUtil.getLocalDateTime(serial, false, true);
            return Times.format(t.atZone(Times.ZONE).toInstant());
        }
        try {
            return Times.format(OffsetDateTime.parse(c).toInstant());
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return Times.format(LocalDateTime.parse(c, LOCAL).atZone(Times.ZONE).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + cell + "' is no time: write 2023-03-01 08:00 (Beijing time) or"
                    + " 2023-03-01T08:00:00+08:00");
        }
    }
}
