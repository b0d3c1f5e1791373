package org.targetwatch.ingest.hj212;

import java.nio.charset.StandardCharsets;

/**
 * One HJ 212-2017 communication packet (通讯包), §6.3: {@code ##}, the data segment's length in bytes as four
 * decimal digits, the data segment, its CRC as four hexadecimal digits (either case), then CR LF. Decoding is
 * strict: a packet whose header, length or CRC is wrong is refused whole, for it cannot be told which of its bytes
 * are wrong. The fields inside a valid data segment are read leniently ({@link Hj212Packet}).
 *
 * @param data the data segment, between the length and the CRC
 */
public record Hj212Frame(String data) {
    /** The longest data segment four digits can state. */
    public static final int MAX_DATA = 9999;

    /** A line that is no valid packet, and why. */
    public static final class BadFrameException extends Exception {
        public BadFrameException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Decodes one packet without its CR LF (a line as the TCP stream's delimiter splits it).
     *
     * @throws BadFrameException naming what is wrong: the header, the length (stated and actual) or the CRC
     *                           (stated and computed)
     */
    public static Hj212Frame decode(byte[] line) throws BadFrameException {
        int n = line.length;
        if (n > 0 && line[n - 1] == '\r') {
            n--; // a packet sent with CR LF CR LF, or split on LF only
        }
        if (n < 10 || line[0] != '#' || line[1] != '#') {
            throw new BadFrameException("does not start with ## and a four-digit length");
        }
        int length = 0;
        for (int i = 2; i < 6; i++) {
            if (line[i] < '0' || line[i] > '9') {
                throw new BadFrameException("the length after ## is not four decimal digits");
            }
            length = length * 10 + (line[i] - '0');
        }
        int actual = n - 6 - 4;
        if (actual != length) {
            throw new BadFrameException("the length says " + length + " bytes, the data segment has " + actual);
        }
        int stated = 0;
        for (int i = n - 4; i < n; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                throw new BadFrameException("the CRC is not four hexadecimal digits");
            }
            stated = stated * 16 + d;
        }
        int computed = Hj212Crc.of(line, 6, 6 + length);
        if (stated != computed) {
            throw new BadFrameException("CRC mismatch: the packet says " + Hj212Crc.hex(stated) + ", its data gives "
                    + Hj212Crc.hex(computed));
        }
        return new Hj212Frame(new String(line, 6, length, StandardCharsets.UTF_8));
    }

    /** The packet of a data segment, CR LF included: what a server sends back. */
    public static String encode(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return "##" + String.format("%04d", bytes.length) + data + Hj212Crc.hex(Hj212Crc.of(bytes)) + "\r\n";
    }
}
