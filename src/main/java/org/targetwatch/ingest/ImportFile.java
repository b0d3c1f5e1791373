package org.targetwatch.ingest;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.targetwatch.common.RejectedRequestException.FieldError;

/**
 * The parse stage of an import: a file of any size read as a sequence of tables of at most {@code chunkRows} data
 * rows each, every one with the file's header, so that {@link ReadingParser#parseTable} validates it exactly as a
 * posted body. CSV is streamed (never held whole); its encoding is the declared one or, as for bodies
 * ({@link CsvText}), UTF-8 if the whole file is valid UTF-8 and GB18030 otherwise, checked strictly over the whole
 * file before anything is read. An Excel workbook is read whole by Apache POI (its sheets are zip entries), so its
 * size is capped.
 */
public final class ImportFile {
    /** Largest workbook an import reads (POI's usermodel holds it in memory). */
    public static final long MAX_WORKBOOK_BYTES = 256L << 20;

    /** Receives the tables of a file in order. */
    public interface Sink {
        /**
         * @param table        a header and up to chunkRows data rows
         * @param firstDataRow the file's data row (0 = the first after the header) of the table's first data row
         * @param bytesRead    how far into the file reading has come
         */
        void accept(ReadingParser.Table table, long firstDataRow, long bytesRead);
    }

    /** Excel workbooks' media types (.xlsx, .xls). */
    public static final List<String> WORKBOOKS =
            List.of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel");

    private ImportFile() {}

    /** Whether a Content-Type names an HJ 212 packet log ({@code text/plain}: one packet per line). */
    public static boolean isPacketLog(String contentType) {
        return contentType != null && contentType.split(";")[0].strip().equalsIgnoreCase("text/plain");
    }

    /** Whether a Content-Type names an Excel workbook. */
    public static boolean isWorkbook(String contentType) {
        return contentType != null
                && WORKBOOKS.contains(contentType.split(";")[0].strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Reads a CSV file in chunks.
     *
     * @throws MalformedRequestException for a file that is empty or not valid in its encoding (naming the byte)
     */
    public static void readCsv(Path file, String declaredCharset, int chunkRows, Sink sink) throws IOException {
        Charset charset = charset(file, declaredCharset);
        try (Counting in = new Counting(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
                Reader reader = new InputStreamReader(
                        in,
                        charset.newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT));
                org.apache.commons.csv.CSVParser csv = org.apache.commons.csv.CSVFormat.RFC4180
                        .builder()
                        .setTrim(true)
                        .setIgnoreEmptyLines(true)
                        .get()
                        .parse(skipBom(reader))) {
            List<String> header = null;
            List<List<String>> rows = new ArrayList<>();
            long first = 0;
            long dataRow = 0;
            try {
                for (org.apache.commons.csv.CSVRecord r : csv) {
                    if (header == null) {
                        header = r.toList();
                        continue;
                    }
                    if (rows.isEmpty()) {
                        rows.add(header);
                        first = dataRow;
                    }
                    rows.add(r.toList());
                    dataRow++;
                    if (rows.size() > chunkRows) {
                        sink.accept(new ReadingParser.Table(null, rows, null, false), first, in.count());
                        rows = new ArrayList<>();
                    }
                }
            } catch (java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                throw new MalformedRequestException("the file is not valid CSV after data row " + dataRow + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (header == null) {
                throw new MalformedRequestException("the file is empty; its first row must name the columns");
            }
            if (!rows.isEmpty()) {
                sink.accept(new ReadingParser.Table(null, rows, null, false), first, in.count());
            }
        }
    }

    /** Reads an Excel workbook (.xlsx, .xls) sheet by sheet, each in chunks; data rows are counted over all sheets. */
    public static void readWorkbook(Path file, int chunkRows, int maxRows, Sink sink) throws IOException {
        long size = Files.size(file);
        if (size > MAX_WORKBOOK_BYTES) {
            throw new MalformedRequestException(
                    "the workbook is " + size + " bytes; an import reads workbooks of at most " + MAX_WORKBOOK_BYTES
                            + " bytes: save the sheets as CSV (UTF-8 or GBK) and import those");
        }
        List<ReadingParser.Table> tables = Workbooks.read(Files.readAllBytes(file), maxRows);
        long dataRow = 0;
        for (int t = 0; t < tables.size(); t++) {
            ReadingParser.Table table = tables.get(t);
            List<List<String>> rows = table.rows();
            for (int from = 1; from < rows.size(); from += chunkRows) {
                int to = Math.min(rows.size(), from + chunkRows);
                List<List<String>> chunk = new ArrayList<>(to - from + 1);
                List<Integer> numbers = new ArrayList<>(to - from + 1);
                chunk.add(rows.get(0));
                numbers.add(table.rowNumbers().get(0));
                chunk.addAll(rows.subList(from, to));
                numbers.addAll(table.rowNumbers().subList(from, to));
                boolean last = t == tables.size() - 1 && to == rows.size();
                sink.accept(
                        new ReadingParser.Table(table.sheet(), chunk, numbers, table.serialDates()),
                        dataRow,
                        last ? size : size * t / tables.size());
                dataRow += to - from;
            }
        }
    }

    /** Longest line of an HJ 212 packet log: a frame's 9,999-byte data segment, its header and CRC, and a prefix. */
    public static final int MAX_LOG_LINE = 16 * 1024;

    /**
     * One line of an HJ 212 packet log.
     *
     * @param number the file's line (0 = the first)
     * @param packet the line from its first {@code ##} to its end without CR LF; null for a line longer than
     *               {@link #MAX_LOG_LINE}, empty for one without {@code ##}
     */
    public record LogLine(long number, byte[] packet) {}

    /** Receives the lines of an HJ 212 packet log in order. */
    public interface LineSink {
        /**
         * @param lines     up to chunkLines lines (blank lines are left out)
         * @param bytesRead how far into the file reading has come
         */
        void accept(List<LogLine> lines, long bytesRead);
    }

    /**
     * Reads an HJ 212 packet log (what a data logger or a platform's forwarder records: one packet per line) in
     * chunks of lines, streamed. Blank lines are skipped (their numbers kept); text before a line's first
     * {@code ##} (a log's time stamp) is dropped. Frames are ASCII, so no charset is involved; a frame's bytes are
     * checked by its length and CRC.
     *
     * @throws MalformedRequestException at the end of a file without a single {@code ##} (not a packet log: its lines
     *     are refused, and the import fails saying so)
     */
    public static void readLines(Path file, int chunkLines, LineSink sink) throws IOException {
        long size = Files.size(file);
        byte[] buf = new byte[1 << 16];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
        boolean tooLong = false;
        List<LogLine> lines = new ArrayList<>();
        long lineNo = 0;
        long read = 0;
        boolean any = false;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (true) {
                n = in.read(buf);
                boolean eof = n < 0;
                int end = eof ? 0 : n;
                for (int i = 0; i <= end; i++) {
                    boolean lineEnds = i < end ? buf[i] == '\n' : eof && (line.size() > 0 || tooLong);
                    if (!lineEnds) {
                        if (i < end) {
                            if (line.size() < MAX_LOG_LINE) {
                                line.write(buf[i]);
                            } else {
                                tooLong = true;
                            }
                        }
                        continue;
                    }
                    byte[] text = packet(line.toByteArray());
                    if (tooLong || text.length > 0 || line.size() > 0 && !blank(line.toByteArray())) {
                        lines.add(new LogLine(lineNo, tooLong ? null : text));
                        any |= text.length > 0;
                    }
                    line.reset();
                    tooLong = false;
                    lineNo++;
                    if (lines.size() >= chunkLines) {
                        sink.accept(lines, read + i);
                        lines = new ArrayList<>();
                    }
                }
                if (eof) {
                    break;
                }
                read += n;
            }
        }
        if (!any) {
            throw new MalformedRequestException(
                    "the file holds no HJ 212 packet; an HJ 212 import has one packet (##...) per line");
        }
        if (!lines.isEmpty()) {
            sink.accept(lines, size);
        }
    }

    /** A line from its first {@code ##} without a trailing CR; empty if it has no {@code ##}. */
    private static byte[] packet(byte[] line) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        for (int i = 0; i + 1 < end; i++) {
            if (line[i] == '#' && line[i + 1] == '#') {
                return java.util.Arrays.copyOfRange(line, i, end);
            }
        }
        return new byte[0];
    }

    private static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * The charset a CSV file is read in (see the class comment).
     *
     * @throws MalformedRequestException naming the first byte that is not valid in it
     */
    static Charset charset(Path file, String declared) throws IOException {
        String name = declared == null ? null : CsvText.CHARSETS.get(declared.toLowerCase(Locale.ROOT));
        if (declared != null && name == null) {
            throw new MalformedRequestException("charset '" + declared + "' is not accepted for CSV");
        }
        if (name != null) {
            long bad = firstInvalid(file, Charset.forName(name));
            if (bad >= 0) {
                throw invalid(file, bad, "not valid " + name + " (declared charset=" + declared + ")");
            }
            return Charset.forName(name);
        }
        long utf8 = firstInvalid(file, StandardCharsets.UTF_8);
        if (utf8 < 0) {
            return StandardCharsets.UTF_8;
        }
        long gb = firstInvalid(file, Charset.forName("GB18030"));
        if (gb < 0) {
            return Charset.forName("GB18030");
        }
        boolean likelyUtf8 = utf8 >= gb;
        throw invalid(
                file,
                likelyUtf8 ? utf8 : gb,
                "neither UTF-8 (invalid at byte " + utf8 + ") nor GBK/GB18030 (invalid at byte " + gb + ")");
    }

    /** The offset of the first byte not valid in {@code charset}, or -1; streamed. */
    private static long firstInvalid(Path file, Charset charset) throws IOException {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 17);
        long consumed = 0;
        try (InputStream s = Files.newInputStream(file)) {
            boolean eof = false;
            while (!eof) {
                int n = s.read(in.array(), in.position(), in.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    in.position(in.position() + n);
                }
                in.flip();
                int before = in.position();
                CoderResult r = decoder.decode(in, out, eof);
                if (r.isError()) {
                    return consumed + in.position();
                }
                consumed += in.position() - before;
                out.clear();
                in.compact();
            }
            in.flip();
            CoderResult r = decoder.flush(out);
            return r.isError() ? consumed : -1;
        }
    }

    /** The refusal of an undecodable file, naming the byte and its line. */
    private static MalformedRequestException invalid(Path file, long offset, String what) throws IOException {
        long lines = 0;
        int value = 0;
        try (InputStream s = new BufferedInputStream(Files.newInputStream(file))) {
            for (long i = 0; i <= offset; i++) {
                value = s.read();
                if (i < offset && value == '\n') {
                    lines++;
                }
            }
        }
        return new MalformedRequestException(
                "the file is " + what + ": byte " + offset + " (0x" + String.format("%02X", value & 0xFF) + ") on line "
                        + (lines + 1) + "; nothing was stored",
                List.of(new FieldError(null, "", "undecodable byte at offset " + offset)));
    }

    private static Reader skipBom(Reader reader) throws IOException {
        java.io.PushbackReader r = new java.io.PushbackReader(reader, 1);
        int c = r.read();
        if (c >= 0 && c != '\uFEFF') {
            r.unread(c);
        }
        return r;
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
