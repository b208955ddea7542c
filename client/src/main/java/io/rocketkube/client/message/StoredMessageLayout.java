package io.rocketkube.client.message;

import java.nio.ByteBuffer;

/**
 * Byte layout of one stored message record: the reference CommitLog record, which is also what a
 * PULL_MESSAGE, QUERY_MESSAGE or VIEW_MESSAGE_BY_ID body carries (docs/protocol.md §4.1).
 * All integers are big-endian.
 *
 * <pre>
 * offset          size   field
 * 0               4      TOTALSIZE        whole record, including this field
 * 4               4      MAGICCODE        {@link #MAGIC_V1} | {@link #MAGIC_V2} | {@link #MAGIC_BLANK}
 * 8               4      BODYCRC          CRC32(body) &amp; 0x7FFFFFFF
 * 12              4      QUEUEID
 * 16              4      FLAG             producer's application flag
 * 20              8      QUEUEOFFSET      logical offset in the consume queue
 * 28              8      PHYSICALOFFSET   offset of this record in the commit log
 * 36              4      SYSFLAG          {@link MessageSysFlag}
 * 40              8      BORNTIMESTAMP
 * 48              H1     BORNHOST         4|16 address bytes + 4-byte port (16 iff SYSFLAG 0x10)
 * 48+H1           8      STORETIMESTAMP
 * 56+H1           H2     STOREHOST        4|16 address bytes + 4-byte port (16 iff SYSFLAG 0x20)
 * 56+H1+H2        4      RECONSUMETIMES
 * 60+H1+H2        8      PREPAREDTRANSACTIONOFFSET
 * 68+H1+H2        4      BODYLENGTH       B
 * 72+H1+H2        B      BODY
 * 72+H1+H2+B      1|2    TOPICLENGTH      T (1 byte in V1, 2 bytes in V2)
 * ...             T      TOPIC            UTF-8
 * ...             2      PROPERTIESLENGTH P
 * ...             P      PROPERTIES       UTF-8, see {@link PropertiesCodec}
 * </pre>
 *
 * With IPv4 hosts (H1 = H2 = 8) a V1 record is {@code 91 + B + T + P} bytes.
 *
 * <p>The blank end-of-segment filler is just the first two fields:
 * <pre>
 * 0  4  TOTALSIZE  bytes from here to the end of the segment
 * 4  4  MAGICCODE  {@link #MAGIC_BLANK}
 * </pre>
 *
 * <p>Offsets past BORNHOST depend on the host sizes, so they are methods taking the SYSFLAG; the ones
 * before it are constants, each derived from the previous field.
 */
public final class StoredMessageLayout {

    /** A message record whose topic length is one signed byte (every 4.x and 5.x client reads it). */
    public static final int MAGIC_V1 = 0xDAA320A7;
    /** 5.x: topic length is two bytes; only needed for topics longer than 127 bytes. */
    public static final int MAGIC_V2 = 0xDAA320AB;
    /** End-of-segment filler (store only, never sent to clients). */
    public static final int MAGIC_BLANK = 0xCBD43194;

    public static final int TOTAL_SIZE_OFFSET = 0;
    public static final int TOTAL_SIZE_LENGTH = 4;
    public static final int MAGIC_OFFSET = TOTAL_SIZE_OFFSET + TOTAL_SIZE_LENGTH;
    public static final int MAGIC_LENGTH = 4;
    public static final int BODY_CRC_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int BODY_CRC_LENGTH = 4;
    public static final int QUEUE_ID_OFFSET = BODY_CRC_OFFSET + BODY_CRC_LENGTH;
    public static final int QUEUE_ID_LENGTH = 4;
    public static final int FLAG_OFFSET = QUEUE_ID_OFFSET + QUEUE_ID_LENGTH;
    public static final int FLAG_LENGTH = 4;
    public static final int QUEUE_OFFSET_OFFSET = FLAG_OFFSET + FLAG_LENGTH;
    public static final int QUEUE_OFFSET_LENGTH = 8;
    public static final int PHYSICAL_OFFSET_OFFSET = QUEUE_OFFSET_OFFSET + QUEUE_OFFSET_LENGTH;
    public static final int PHYSICAL_OFFSET_LENGTH = 8;
    public static final int SYS_FLAG_OFFSET = PHYSICAL_OFFSET_OFFSET + PHYSICAL_OFFSET_LENGTH;
    public static final int SYS_FLAG_LENGTH = 4;
    public static final int BORN_TIMESTAMP_OFFSET = SYS_FLAG_OFFSET + SYS_FLAG_LENGTH;
    public static final int BORN_TIMESTAMP_LENGTH = 8;
    public static final int BORN_HOST_OFFSET = BORN_TIMESTAMP_OFFSET + BORN_TIMESTAMP_LENGTH;

    public static final int HOST_V4_LENGTH = 4 + 4;
    public static final int HOST_V6_LENGTH = 16 + 4;
    public static final int STORE_TIMESTAMP_LENGTH = 8;
    public static final int RECONSUME_TIMES_LENGTH = 4;
    public static final int PREPARED_TRANSACTION_OFFSET_LENGTH = 8;
    public static final int BODY_LENGTH_LENGTH = 4;
    public static final int TOPIC_LENGTH_LENGTH_V1 = 1;
    public static final int TOPIC_LENGTH_LENGTH_V2 = 2;
    public static final int PROPERTIES_LENGTH_LENGTH = 2;

    /** The blank filler: TOTALSIZE and MAGICCODE. */
    public static final int BLANK_LENGTH = MAGIC_OFFSET + MAGIC_LENGTH;
    /** Bytes a V1 record has besides body, topic and properties, with both hosts IPv4. */
    public static final int FIXED_PART_V1_IPV4 = recordSize(MessageSysFlag.TRANSACTION_NOT_TYPE, 0, 0, 0);
    /** Longest topic in a V1 record: its length is a signed byte. */
    public static final int MAX_TOPIC_LENGTH_V1 = Byte.MAX_VALUE;
    /** Longest properties string: its length is a signed short. */
    public static final int MAX_PROPERTIES_LENGTH = Short.MAX_VALUE;

    private StoredMessageLayout() {}

    public static int bornHostLength(int sysFlag) {
        return MessageSysFlag.isBornHostV6(sysFlag) ? HOST_V6_LENGTH : HOST_V4_LENGTH;
    }

    public static int storeHostLength(int sysFlag) {
        return MessageSysFlag.isStoreHostV6(sysFlag) ? HOST_V6_LENGTH : HOST_V4_LENGTH;
    }

    public static int storeTimestampOffset(int sysFlag) {
        return BORN_HOST_OFFSET + bornHostLength(sysFlag);
    }

    public static int storeHostOffset(int sysFlag) {
        return storeTimestampOffset(sysFlag) + STORE_TIMESTAMP_LENGTH;
    }

    public static int reconsumeTimesOffset(int sysFlag) {
        return storeHostOffset(sysFlag) + storeHostLength(sysFlag);
    }

    public static int preparedTransactionOffsetOffset(int sysFlag) {
        return reconsumeTimesOffset(sysFlag) + RECONSUME_TIMES_LENGTH;
    }

    public static int bodyLengthOffset(int sysFlag) {
        return preparedTransactionOffsetOffset(sysFlag) + PREPARED_TRANSACTION_OFFSET_LENGTH;
    }

    public static int bodyOffset(int sysFlag) {
        return bodyLengthOffset(sysFlag) + BODY_LENGTH_LENGTH;
    }

    /** Size of a V1 record with these field lengths (topic and properties in UTF-8 bytes). */
    public static int recordSize(int sysFlag, int bodyLength, int topicLength, int propertiesLength) {
        return bodyOffset(sysFlag)
                + bodyLength
                + TOPIC_LENGTH_LENGTH_V1
                + topicLength
                + PROPERTIES_LENGTH_LENGTH
                + propertiesLength;
    }

    /** The record size stored at {@code recordStart}. */
    public static int totalSize(ByteBuffer buf, int recordStart) {
        return buf.getInt(recordStart + TOTAL_SIZE_OFFSET);
    }

    public static int sysFlag(ByteBuffer buf, int recordStart) {
        return buf.getInt(recordStart + SYS_FLAG_OFFSET);
    }

    public static long queueOffset(ByteBuffer buf, int recordStart) {
        return buf.getLong(recordStart + QUEUE_OFFSET_OFFSET);
    }

    public static long physicalOffset(ByteBuffer buf, int recordStart) {
        return buf.getLong(recordStart + PHYSICAL_OFFSET_OFFSET);
    }

    public static long storeTimestamp(ByteBuffer buf, int recordStart) {
        return buf.getLong(recordStart + storeTimestampOffset(sysFlag(buf, recordStart)));
    }

    /**
     * Fills in the two offsets only known once a record's place is reserved. The body CRC does not
     * cover them, so an encoded record can be patched in place without re-encoding.
     */
    public static void patchOffsets(ByteBuffer buf, int recordStart, long queueOffset, long physicalOffset) {
        buf.putLong(recordStart + QUEUE_OFFSET_OFFSET, queueOffset);
        buf.putLong(recordStart + PHYSICAL_OFFSET_OFFSET, physicalOffset);
    }

    /** Writes the blank filler at {@code recordStart}, covering {@code remaining} bytes. */
    public static void writeBlank(ByteBuffer buf, int recordStart, int remaining) {
        buf.putInt(recordStart + TOTAL_SIZE_OFFSET, remaining);
        buf.putInt(recordStart + MAGIC_OFFSET, MAGIC_BLANK);
    }
}
