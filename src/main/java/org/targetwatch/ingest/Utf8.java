package org.targetwatch.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.targetwatch.common.RejectedRequestException;
import org.targetwatch.common.RejectedRequestException.FieldError;

/**
 * Strict UTF-8 decoding of request bodies: malformed sequences, overlong forms (such as {@code C0 AF} for '/')
 * and encoded surrogates are refused, never replaced or folded; UTF-16 and UTF-32 are refused by name. A UTF-8
 * byte-order mark is skipped.
 */
public final class Utf8 {
    private Utf8() {}

    /** The outcome: the text, or the byte offset of the first invalid sequence (then {@code text} is the valid prefix). */
    record Decoded(String text, int invalidAt) {
        boolean valid() {
            return invalidAt < 0;
        }
    }

    /** Decodes after the byte-order mark; see the class comment. */
    static Decoded decode(byte[] bytes) {
        int start =
                bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF
                        ? 3
                        : 0;
        refuseOtherEncodings(bytes, start);
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) {
            r = utf8.flush(out);
        }
        out.flip();
        return new Decoded(out.toString(), r.isError() ? in.position() : -1);
    }

    /** A CSV body as text; invalid UTF-8 is refused naming the data row it is in (0 = the first after the header). */
    static String decodeCsv(byte[] bytes) {
        Decoded d = decode(bytes);
        if (d.valid()) {
            return d.text();
        }
        long lines = d.text().chars().filter(c -> c == '\n').count();
        Integer row = lines == 0 ? null : (int) lines - 1;
        throw new MalformedRequestException(
                "body is not valid UTF-8: byte " + d.invalidAt() + " (0x"
                        + String.format("%02X", bytes[d.invalidAt()] & 0xFF) + ") "
                        + (row == null ? "in the header" : "in data row " + row)
                        + "; send UTF-8 (a platform export in GBK must be converted first)",
                List.of(new FieldError(row, "", "invalid UTF-8 at byte " + d.invalidAt())));
    }

    /**
     * UTF-16 and UTF-32 (with or without byte-order mark) are refused by name: JSON text exchanged between systems
     * must be UTF-8 (RFC 8259 §8.1). Without a mark they show as NUL bytes among the first four.
     */
    private static void refuseOtherEncodings(byte[] b, int start) {
        boolean bom = b.length >= 2
                && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF || (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE);
        boolean nul = false;
        for (int i = start; i < Math.min(b.length, start + 4); i++) {
            nul |= b[i] == 0;
        }
        if (bom || nul) {
            throw new UnsupportedEncodingException();
        }
    }

    /** A body in UTF-16 or UTF-32. HTTP 415. */
    public static final class UnsupportedEncodingException extends RejectedRequestException {
        UnsupportedEncodingException() {
            super(
                    "unsupported_media_type",
                    "the body is UTF-16 or UTF-32; JSON and CSV bodies must be UTF-8",
                    List.of());
        }
    }
}
