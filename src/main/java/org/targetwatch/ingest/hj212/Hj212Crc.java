package org.targetwatch.ingest.hj212;

/**
 * The CRC of HJ 212-2017 (附录 A, CRC 校验算法): over the bytes of the data segment, start 0xFFFF; for each byte
 * {@code crc = (crc >> 8) ^ b}, then 8 rounds of {@code crc >>= 1}, XOR 0xA001 when the bit shifted out was 1.
 * Written as four hexadecimal digits. This is not CRC-16/MODBUS: that one XORs the byte into the low byte of the
 * register ({@code crc ^ b}), this one XORs it into the high byte shifted down, so the two differ on every frame.
 */
public final class Hj212Crc {
    private Hj212Crc() {}

    /** The CRC of {@code data[from, to)}. */
    public static int of(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc = (crc >> 8) ^ (data[i] & 0xFF);
            for (int bit = 0; bit < 8; bit++) {
                boolean carry = (crc & 1) != 0;
                crc >>= 1;
                if (carry) {
                    crc ^= 0xA001;
                }
            }
        }
        return crc & 0xFFFF;
    }

    /** The CRC of the whole of {@code data}. */
    public static int of(byte[] data) {
        return of(data, 0, data.length);
    }

    /** The CRC as a frame carries it: four upper-case hexadecimal digits. */
    public static String hex(int crc) {
        return String.format("%04X", crc);
    }
}
