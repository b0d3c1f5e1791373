package org.targetwatch.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.ss.util.NumberToTextConverter;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.common.Times;

/**
 * Excel workbooks ({@code .xlsx}, and {@code .xls} as WPS and older Excel write them) as tables of text, with
 * Apache POI. Every sheet with a non-empty row is a table, its first non-empty row the header; empty rows are
 * skipped and trailing empty cells dropped. A cell's text: a string as written (stripped); a number as Excel shows
 * it at full precision ({@code 0.1}, not {@code 0.1000000000000000055}); a date-formatted cell as ISO-8601 in Beijing
 * time, to the second; a formula by its cached result; an error cell as its code ({@code #N/A}), which no field
 * accepts.
 */
final class Workbooks {
    /** A sheet's XML may inflate to at most this (POI's zip-bomb guard; the body itself is at most maxBodyBytes). */
    static final long MAX_ENTRY_BYTES = 64L << 20;

    static {
        org.apache.poi.openxml4j.util.ZipSecureFile.setMaxEntrySize(MAX_ENTRY_BYTES);
    }

    private Workbooks() {}

    /** The column letters of a 0-based index: 0 is A, 26 is AA. */
    static String column(int index) {
        return CellReference.convertNumToColString(index);
    }

    /**
     * @param maxRows the most data rows a sheet may hold (maxBatchReadings)
     * @throws MalformedRequestException for bytes that are no workbook, an encrypted one, or one with no data
     * @throws BatchTooLargeException    for a sheet of more than {@code maxRows} data rows
     */
    static List<ReadingParser.Table> read(byte[] bytes, int maxRows) {
        if (bytes.length == 0) {
            throw new MalformedRequestException("the body is empty; send an Excel workbook (.xlsx or .xls)");
        }
        List<ReadingParser.Table> out = new ArrayList<>();
        try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(bytes))) {
            for (Sheet sheet : wb) {
                List<List<String>> rows = new ArrayList<>();
                List<Integer> numbers = new ArrayList<>();
                for (Row row : sheet) {
                    List<String> cells = new ArrayList<>();
                    for (int c = 0; c < Math.max(0, row.getLastCellNum()); c++) {
                        cells.add(text(row.getCell(c)));
                    }
                    while (!cells.isEmpty() && cells.get(cells.size() - 1).isEmpty()) {
                        cells.remove(cells.size() - 1);
                    }
                    if (cells.isEmpty()) {
                        continue;
                    }
                    if (rows.size() > maxRows) {
                        throw new BatchTooLargeException("sheet '" + sheet.getSheetName() + "' has more than " + maxRows
                                + " rows (maxBatchReadings)");
                    }
                    rows.add(cells);
                    numbers.add(row.getRowNum() + 1);
                }
                if (!rows.isEmpty()) {
                    out.add(new ReadingParser.Table(sheet.getSheetName(), rows, numbers, true));
                }
            }
        } catch (RejectedRequestException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // POI's refusals are unchecked: not a workbook, encrypted, a zip bomb, a corrupt record
            throw new MalformedRequestException(
                    "the body is no Excel workbook TargetWatch can read (.xlsx or .xls): " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new MalformedRequestException("the workbook holds no data: every sheet is empty");
        }
        return out;
    }

    private static String text(Cell cell) {
        if (cell == null) {
            return "";
        }
        CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
        return switch (type) {
            case STRING -> cell.getStringCellValue().strip();
            case NUMERIC ->
                DateUtil.isCellDateFormatted(cell)
                        ? time(cell.getLocalDateTimeCellValue())
                        : NumberToTextConverter.toText(cell.getNumericCellValue());
            case BOOLEAN -> cell.getBooleanCellValue() ? "TRUE" : "FALSE";
            case ERROR ->
                org.apache.poi.ss.usermodel.FormulaError.forInt(cell.getErrorCellValue())
                        .getString();
            default -> "";
        };
    }

    /** A date cell's time (Beijing), rounded to the second: 08:00 is stored as 07:59:59.9999... */
    private static String time(LocalDateTime t) {
        LocalDateTime rounded = t.plusNanos(500_000_000).truncatedTo(ChronoUnit.SECONDS);
        return Times.format(rounded.atZone(Times.ZONE).toInstant());
    }
}
