package org.targetwatch.ingest.hj212;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * HJ 212-2017 framing on the standard's own sample and on packets real data loggers sent (published in open-source
 * HJ 212 clients and servers), the CRC of 附录 A, and the lenient reading of the fields inside a valid packet.
 */
public class Hj212FrameTest {
    /** The standard's sample packet (HJ 212-2017 §6.6 example); its CRC is 1C80. */
    static final String STANDARD = "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;"
            + "MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80";

    /** An hourly packet of a surface-water station (xmmems HJ 212 client), CRC 4C80. */
    public static final String WATER = "##0561QN=20201030000000437;ST=21;CN=2061;PW=123456;MN=NM100000_0005;Flag=9;"
            + "CP=&&DataTime=20201129210001;w01010-Avg=23.1,w01010-Flag=N;w01001-Avg=7.64,w01001-Flag=N;"
            + "w01009-Avg=6.60,w01009-Flag=N;w01014-Avg=300,w01014-Flag=N;w01003-Avg=17,w01003-Flag=N;"
            + "w01019-Avg=1.4,w01019-Flag=N;w21011-Avg=0.042,w21011-Flag=N;w21001-Avg=3.04,w21001-Flag=N;"
            + "w21003-Avg=0.16,w21003-Flag=N;w20120-Avg=0.00011,w20120-Flag=N;w20119-Avg=0.00000,w20119-Flag=N;"
            + "w23002-Avg=0.0005,w23002-Flag=N;w21016-Avg=0.002,w21016-Flag=N;w20115-Avg=0.00001,w20115-Flag=N;"
            + "w20122-Avg=0.00005,w20122-Flag=N&&4C80";

    /** An hourly packet of an air logger (odour codes), CRC C181. */
    static final String AIR = "##0285QN=20190925181031464;ST=22;CN=2061;PW=BF470F88957588DE902D1A52;"
            + "MN=Z13401000010301;Flag=5;CP=&&DataTime=20190924220000;a34006-Avg=2.69700,a34006-Flag=N;"
            + "a34007-Avg=7.96600,a34007-Flag=N;a34048-Avg=3.30600,a34048-Flag=N;a34047-Avg=7.35700,"
            + "a34047-Flag=N;a34049-Avg=10.66300,a34049-Flag=N&&C181";

    /** A packet as a logger really sent it, with a wrong length (says 181, has 183) and a wrong CRC. */
    static final String BROKEN = "##0181QN=20240606000056000;ST=22;CN=2061;PW=O447JGPYQ75V3C58D138L2WX;"
            + "MN=340100001V008;Flag=5;CP=&&DataTime=20240605230000;a34514-Avg=305.000,a34514-Flag=N;"
            + "a34515-Avg=268.333,a34515-Flag=N&&2340";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String data(String packet) {
        return packet.substring(6, packet.length() - 4);
    }

    @Test
    void crcOfTheStandardsSampleIs1C80AndNotModbus() {
        byte[] d = bytes(data(STANDARD));
        assertThat(Hj212Crc.hex(Hj212Crc.of(d))).isEqualTo("1C80");
        // CRC-16/MODBUS of the same bytes, for contrast: the byte goes into the low byte of the register
        int modbus = 0xFFFF;
        for (byte b : d) {
            modbus ^= b & 0xFF;
            for (int i = 0; i < 8; i++) {
                modbus = (modbus & 1) != 0 ? (modbus >> 1) ^ 0xA001 : modbus >> 1;
            }
        }
        assertThat(Hj212Crc.hex(modbus)).isNotEqualTo("1C80");
    }

    @Test
    void realPacketsDecode() throws Exception {
        for (String p : new String[] {STANDARD, WATER, AIR}) {
            assertThat(Hj212Frame.decode(bytes(p)).data()).isEqualTo(data(p));
            // with the CR the delimiter leaves when a stream is split on LF
            assertThat(Hj212Frame.decode(bytes(p + "\r")).data()).isEqualTo(data(p));
        }
    }

    @Test
    void crcInLowerCaseIsAccepted() throws Exception {
        String lower = WATER.substring(0, WATER.length() - 4) + "4c80";
        assertThat(Hj212Frame.decode(bytes(lower)).data()).isEqualTo(data(WATER));
    }

    @Test
    void wrongLengthWrongCrcAndNoHeaderAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Hj212Frame.decode(bytes(BROKEN)))
                .isInstanceOf(Hj212Frame.BadFrameException.class)
                .hasMessage("the length says 181 bytes, the data segment has 183");
        String badCrc = STANDARD.substring(0, STANDARD.length() - 4) + "1C81";
        assertThatThrownBy(() -> Hj212Frame.decode(bytes(badCrc)))
                .isInstanceOf(Hj212Frame.BadFrameException.class)
                .hasMessage("CRC mismatch: the packet says 1C81, its data gives 1C80");
        String oneByteChanged = STANDARD.replace("RtdInterval=30", "RtdInterval=31");
        assertThatThrownBy(() -> Hj212Frame.decode(bytes(oneByteChanged))).hasMessageContaining("CRC mismatch");
        assertThatThrownBy(() -> Hj212Frame.decode(bytes(STANDARD.substring(2))))
                .hasMessageContaining("does not start with ##");
        assertThatThrownBy(() -> Hj212Frame.decode(bytes("##01x1QN=1;CN=2;MN=3&&0000")))
                .hasMessageContaining("four decimal digits");
        assertThatThrownBy(() -> Hj212Frame.decode(bytes(STANDARD.substring(0, STANDARD.length() - 4) + "1C8G")))
                .hasMessageContaining("four hexadecimal digits");
        assertThatThrownBy(() -> Hj212Frame.decode(new byte[0])).isInstanceOf(Hj212Frame.BadFrameException.class);
    }

    @Test
    void encodeGivesAPacketThatDecodes() throws Exception {
        String p = Hj212Frame.encode(
                "QN=20160801085857223;ST=91;CN=9014;PW=100000;MN=010000A8900016F000169DC0;" + "Flag=4;CP=&&&&");
        assertThat(p).startsWith("##0087QN=").endsWith("\r\n");
        assertThat(Hj212Frame.decode(bytes(p.substring(0, p.length() - 2))).data())
                .contains("CN=9014");
    }

    @Test
    void fieldsAreReadLeniently() throws Exception {
        Hj212Packet w = Hj212Packet.parse(data(WATER));
        assertThat(w.cn()).isEqualTo("2061");
        assertThat(w.mn()).isEqualTo("NM100000_0005");
        assertThat(w.pw()).isEqualTo("123456");
        assertThat(w.qn()).isEqualTo("20201030000000437");
        assertThat(w.flag()).isEqualTo(9);
        assertThat(w.wantsAnswer()).isTrue();
        assertThat(w.dataTime()).isEqualTo("20201129210001");
        assertThat(w.values()).hasSize(15);
        assertThat(w.values().get("w21003")).containsEntry("Avg", "0.16").containsEntry("Flag", "N");

        // trailing ;, an unknown field, PNUM/PNO, empty groups, DataTime with milliseconds, no Flag
        Hj212Packet lenient = Hj212Packet.parse("QN=1;ST=22;CN=2061;PW=1;MN=M1;PNUM=1;PNO=1;Foo=bar;"
                + "CP=&&DataTime=20230301080000123;;a34004-Avg=35,a34004-Flag=N,a34004-Extra=1;;&&");
        assertThat(lenient.flag()).isEqualTo(-1);
        assertThat(lenient.wantsAnswer()).isFalse();
        assertThat(lenient.values().get("a34004")).containsEntry("Avg", "35");
        assertThat(Hj212Readings.dataTime(lenient.dataTime())).isEqualTo(Instant.parse("2023-03-01T00:00:00Z"));
        assertThat(Hj212Readings.dataTime("20201129210001")).isEqualTo(Instant.parse("2020-11-29T13:00:00Z"));

        assertThatThrownBy(() -> Hj212Packet.parse("QN=1;ST=22;PW=1;MN=M1;CP=&&&&"))
                .hasMessageContaining("no CN");
        assertThatThrownBy(() -> Hj212Packet.parse("QN=1;ST=22;CN=2061;PW=1;CP=&&&&"))
                .hasMessageContaining("no MN");
        assertThatThrownBy(() -> Hj212Readings.dataTime("2023-03-01")).hasMessageContaining("yyyyMMddHHmmss");
        assertThatThrownBy(() -> Hj212Readings.dataTime("20231301000000")).hasMessageContaining("no valid time");
    }
}
