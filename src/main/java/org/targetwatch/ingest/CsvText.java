package org.targetwatch.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.targetwatch.common.RejectedRequestException.FieldError;

/**
 * The text of a CSV body, in the encodings platform exports come in: UTF-8 (with or without byte-order mark),
 * GBK and GB18030. A declared {@code charset} is used as declared (GB2312 is read as GBK, its superset); without one,
 * valid UTF-8 is UTF-8 and anything else is read as GB18030 (which holds GBK). Decoding is strict either way: a
 * byte sequence that is not valid in the encoding refuses the body, naming the byte offset and the row, and is
 * never replaced by U+FFFD.
 */
public final class CsvText {
    /** Declarable charsets (lower case) and the decoder each is read with. */
    static final Map<String, String> CHARSETS = Map.of(
            "utf-8", "UTF-8",
            "utf8", "UTF-8",
            "gbk", "GBK",
            "gb2312", "GBK",
            "cp936", "GBK",
            "gb18030", "GB18030");

    private CsvText() {}

    /** Whether {@code charset} (as in a Content-Type) may be declared for CSV. */
    public static boolean declarable(String charset) {
        return CHARSETS.containsKey(charset.toLowerCase(Locale.ROOT));
    }

    /**
     * @param declared the Content-Type's charset, or null
     * @throws MalformedRequestException (400) for bytes that are not valid in the declared or detected encoding
     */
    public static String decode(byte[] bytes, String declared) {
        String name = declared == null ? null : CHARSETS.get(declared.toLowerCase(Locale.ROOT));
        if ("UTF-8".equals(name)) {
            return Utf8.decodeCsv(bytes);
        }
        if (name != null) {
            Utf8.Decoded d = strict(bytes, Charset.forName(name));
            if (!d.valid()) {
                throw invalid(bytes, d, "not valid " + name + " (declared charset=" + declared + ")");
            }
            return d.text();
        }
        Utf8.Decoded utf8 = Utf8.decode(bytes);
        if (utf8.valid()) {
            return utf8.text();
        }
        Utf8.Decoded gb = strict(bytes, Charset.forName("GB18030"));
        if (gb.valid()) {
            return gb.text();
        }
        // the encoding that reads further is the one the body is most likely in: name its first bad byte
        boolean likelyUtf8 = utf8.invalidAt() >= gb.invalidAt();
        throw invalid(
                bytes,
                likelyUtf8 ? utf8 : gb,
                "neither UTF-8 (invalid at byte " + utf8.invalidAt() + ") nor GBK/GB18030 (invalid at byte "
                        + gb.invalidAt() + "); read as " + (likelyUtf8 ? "UTF-8" : "GB18030")
                        + ", which reads further, it fails");
    }

    /**
     * The records of CSV text (RFC 4180, cells trimmed, empty lines skipped).
     *
     * @param max more than this many records throws {@code tooMany}
     * @throws MalformedRequestException (400) for text that is not CSV, naming the parser's first line of complaint
     */
    public static List<List<String>> records(
            String text, int max, java.util.function.Supplier<? extends RuntimeException> tooMany) {
        List<List<String>> rows = new java.util.ArrayList<>();
        try (org.apache.commons.csv.CSVParser csv = org.apache.commons.csv.CSVFormat.RFC4180
                .builder()
                .setTrim(true)
                .setIgnoreEmptyLines(true)
                .get()
                .parse(new java.io.StringReader(text))) {
            for (org.apache.commons.csv.CSVRecord r : csv) {
                if (rows.size() > max) {
                    throw tooMany.get();
                }
                rows.add(r.toList());
            }
        } catch (java.io.IOException
                | java.io.UncheckedIOException
                | IllegalArgumentException
                | IllegalStateException e) {
            throw new MalformedRequestException("body is not valid CSV: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return rows;
    }

    private static Utf8.Decoded strict(byte[] bytes, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        out.flip();
        return new Utf8.Decoded(out.toString(), r.isError() ? in.position() : -1);
    }

    private static MalformedRequestException invalid(byte[] bytes, Utf8.Decoded d, String what) {
        long lines = d.text().chars().filter(c -> c == '\n').count();
        Integer row = lines == 0 ? null : (int) lines - 1;
        return new MalformedRequestException(
                "body is " + what + ": byte " + d.invalidAt() + " (0x"
                        + String.format("%02X", bytes[d.invalidAt()] & 0xFF) + ") "
                        + (row == null ? "in the header" : "in data row " + row) + "; nothing was stored",
                List.of(new FieldError(row, "", "undecodable byte at offset " + d.invalidAt())));
    }
}
