package io.rocketkube.client.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.util.MaskedCrc32;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

class StoredMessageCodecTest {

    /** The real record of docs/protocol.md §4.1. */
    private static final String GOLDEN =
            "00000065daa320a73610a6860000000100000000000000000000000500000000000000a000000000"
                    + "0000018bcfe56800c0a800020000d4310000018bcfe568050a00000100002a9f000000000000000000000000"
                    + "0000000568656c6c6f0254310003610162";

    private static InetSocketAddress host(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static MessageRecord golden() throws Exception {
        return new MessageRecord(
                "T1",
                1,
                0,
                5,
                160,
                0,
                0x18bcfe56800L,
                host("192.168.0.2", 54321),
                0x18bcfe56805L,
                host("10.0.0.1", 10911),
                0,
                0,
                ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)),
                "a\u0001b",
                0);
    }

    private static ByteBuffer encode(MessageRecord r) {
        ByteBuffer buf = ByteBuffer.allocate(StoredMessageEncoder.size(r));
        StoredMessageEncoder.encode(buf, r);
        return buf.flip();
    }

    @Test
    void encodesTheReferenceRecordByteForByte() throws Exception {
        ByteBuffer buf = encode(golden());
        assertThat(HexFormat.of().formatHex(buf.array())).isEqualTo(GOLDEN);
        assertThat(buf.limit()).isEqualTo(StoredMessageLayout.FIXED_PART_V1_IPV4 + 5 + 2 + 3);
    }

    @Test
    void decodesTheReferenceRecord() throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(HexFormat.of().parseHex(GOLDEN));
        RecordDecodeResult r = StoredMessageDecoder.decode(buf, 0, buf.limit(), 1 << 20, true);
        assertThat(r).isInstanceOf(RecordDecodeResult.Decoded.class);
        MessageRecord m = ((RecordDecodeResult.Decoded) r).record();
        assertThat(m.topic()).isEqualTo("T1");
        assertThat(m.queueOffset()).isEqualTo(5);
        assertThat(m.physicalOffset()).isEqualTo(160);
        assertThat(m.bornHost()).isEqualTo(host("192.168.0.2", 54321));
        assertThat(m.storeHost()).isEqualTo(host("10.0.0.1", 10911));
        assertThat(new String(m.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(m.property("a")).isEqualTo("b");
        assertThat(StoredMessageLayout.storeTimestamp(buf, 0)).isEqualTo(0x18bcfe56805L);
    }

    @Test
    void theOfficialDecoderReadsOurRecordsIncludingIpv6Hosts() throws Exception {
        MessageRecord r = new MessageRecord(
                "TopicV6",
                3,
                77,
                9,
                4096,
                MessageSysFlag.TRANSACTION_COMMIT_TYPE,
                1L,
                host("::1", 1234),
                2L,
                host("fd00::2", 10911),
                4,
                55,
                ByteBuffer.wrap(new byte[] {1, 2, 3}),
                "KEYS\u0001k1 k2\u0002TAGS\u0001t",
                0);
        ByteBuffer buf = encode(r);
        MessageExt ext = MessageDecoder.decode(buf.duplicate(), true, false);
        assertThat(ext.getTopic()).isEqualTo("TopicV6");
        assertThat(ext.getQueueId()).isEqualTo(3);
        assertThat(ext.getFlag()).isEqualTo(77);
        assertThat(ext.getQueueOffset()).isEqualTo(9);
        assertThat(ext.getCommitLogOffset()).isEqualTo(4096);
        assertThat(ext.getReconsumeTimes()).isEqualTo(4);
        assertThat(ext.getPreparedTransactionOffset()).isEqualTo(55);
        assertThat(ext.getBody()).containsExactly(1, 2, 3);
        assertThat(ext.getKeys()).isEqualTo("k1 k2");
        assertThat(ext.getTags()).isEqualTo("t");
        assertThat(ext.getBodyCRC()).isEqualTo(MaskedCrc32.of(new byte[] {1, 2, 3}));
        assertThat(((InetSocketAddress) ext.getStoreHost()).getPort()).isEqualTo(10911);
        assertThat(((InetSocketAddress) ext.getBornHost()).getAddress()).isEqualTo(InetAddress.getByName("::1"));
        RecordDecodeResult ours = StoredMessageDecoder.decode(buf, 0, buf.limit(), 1 << 20, true);
        assertThat(((RecordDecodeResult.Decoded) ours).record().sysFlag())
                .isEqualTo(MessageSysFlag.TRANSACTION_COMMIT_TYPE
                        | MessageSysFlag.BORNHOST_V6_FLAG
                        | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
    }

    @Test
    void decodesRecordsTheOfficialEncoderWrote() throws Exception {
        MessageExt ext = new MessageExt();
        ext.setTopic("Official");
        ext.setQueueId(2);
        ext.setBody("payload".getBytes(StandardCharsets.UTF_8));
        ext.setBornHost(host("127.0.0.1", 5000));
        ext.setStoreHost(host("127.0.0.1", 10911));
        ext.setBornTimestamp(11);
        ext.setStoreTimestamp(12);
        ext.setQueueOffset(8);
        ext.setCommitLogOffset(640);
        ext.putUserProperty("u", "v");
        ext.setBodyCRC(MaskedCrc32.of("payload".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = MessageDecoder.encode(ext, false);
        RecordDecodeResult r = StoredMessageDecoder.decode(ByteBuffer.wrap(bytes), 0, bytes.length, 1 << 20, true);
        assertThat(r).isInstanceOf(RecordDecodeResult.Decoded.class);
        MessageRecord m = ((RecordDecodeResult.Decoded) r).record();
        assertThat(m.topic()).isEqualTo("Official");
        assertThat(m.queueOffset()).isEqualTo(8);
        assertThat(m.physicalOffset()).isEqualTo(640);
        assertThat(m.property("u")).isEqualTo("v");
    }

    @Test
    void reportsNeedMoreWhileTheRecordIsIncomplete() throws Exception {
        ByteBuffer buf = encode(golden());
        assertThat(StoredMessageDecoder.decode(buf, 0, 5, 1 << 20, true))
                .isEqualTo(new RecordDecodeResult.NeedMore(5, 8));
        assertThat(StoredMessageDecoder.decode(buf, 0, 50, 1 << 20, true))
                .isEqualTo(new RecordDecodeResult.NeedMore(50, 101));
    }

    @Test
    void reportsCorruptionWithAReason() throws Exception {
        ByteBuffer crc = encode(golden());
        crc.put(StoredMessageLayout.bodyOffset(0), (byte) 'j');
        assertThat(StoredMessageDecoder.decode(crc, 0, crc.limit(), 1 << 20, true))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("CRC"));

        ByteBuffer magic = encode(golden());
        magic.putInt(StoredMessageLayout.MAGIC_OFFSET, 0x12345678);
        assertThat(StoredMessageDecoder.decode(magic, 0, magic.limit(), 1 << 20, true))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("magic"));

        ByteBuffer size = encode(golden());
        size.putInt(StoredMessageLayout.TOTAL_SIZE_OFFSET, 100);
        assertThat(StoredMessageDecoder.decode(size, 0, size.limit(), 1 << 20, true))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("add up"));

        ByteBuffer huge = encode(golden());
        huge.putInt(StoredMessageLayout.TOTAL_SIZE_OFFSET, 1 << 30);
        assertThat(StoredMessageDecoder.decode(huge, 0, huge.limit(), 1 << 20, true))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("outside"));

        ByteBuffer zeros = ByteBuffer.allocate(200);
        assertThat(StoredMessageDecoder.decode(zeros, 0, 200, 1 << 20, true))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("zero bytes"));
    }

    @Test
    void recognisesTheBlankFiller() {
        ByteBuffer buf = ByteBuffer.allocate(64);
        StoredMessageLayout.writeBlank(buf, 16, 48);
        assertThat(StoredMessageDecoder.decode(buf, 16, 64, 1 << 20, true)).isEqualTo(new RecordDecodeResult.Blank(48));
    }

    @Test
    void patchingOffsetsKeepsTheRecordValid() throws Exception {
        ByteBuffer buf = encode(golden());
        StoredMessageLayout.patchOffsets(buf, 0, 77, 1 << 20);
        MessageRecord m =
                ((RecordDecodeResult.Decoded) StoredMessageDecoder.decode(buf, 0, buf.limit(), 1 << 20, true)).record();
        assertThat(m.queueOffset()).isEqualTo(77);
        assertThat(m.physicalOffset()).isEqualTo(1 << 20);
    }

    @Test
    void decodeAllStopsAtTheFirstBadRecord() throws Exception {
        ByteBuffer one = encode(golden());
        ByteBuffer three = ByteBuffer.allocate(one.limit() * 2 + 10);
        three.put(one.duplicate()).put(one.duplicate()).put(new byte[10]).flip();
        assertThat(StoredMessageDecoder.decodeAll(three, 1 << 20)).hasSize(2);
    }
}
