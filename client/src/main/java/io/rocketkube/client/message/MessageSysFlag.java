package io.rocketkube.client.message;

/**
 * The {@code SYSFLAG} bits of a stored or sent message (docs/protocol.md §4.2).
 *
 * <p>Stateless constants and bit helpers; thread-safe.
 */
public final class MessageSysFlag {

    /** The body is compressed (the algorithm is in {@link #COMPRESSION_TYPE_MASK}). */
    public static final int COMPRESSED_FLAG = 0x1;
    /** Set by the broker when the topic's filter type is MULTI_TAG. */
    public static final int MULTI_TAGS_FLAG = 0x2;
    /** Mask of the two transaction-state bits. */
    public static final int TRANSACTION_TYPE_MASK = 0xC;

    public static final int TRANSACTION_NOT_TYPE = 0x0;
    public static final int TRANSACTION_PREPARED_TYPE = 0x4;
    public static final int TRANSACTION_COMMIT_TYPE = 0x8;
    public static final int TRANSACTION_ROLLBACK_TYPE = 0xC;
    /** BORNHOST is 16 address bytes plus a 4-byte port. */
    public static final int BORNHOST_V6_FLAG = 0x10;
    /** STOREHOST is 16 address bytes plus a 4-byte port. */
    public static final int STOREHOSTADDRESS_V6_FLAG = 0x20;
    /** 5.x broker-side auto batch. */
    public static final int NEED_UNWRAP_FLAG = 0x40;
    /** 5.x inner batch. */
    public static final int INNER_BATCH_FLAG = 0x80;
    /** Mask of the compression algorithm bits (4.9.4+); 0 with {@link #COMPRESSED_FLAG} means zlib. */
    public static final int COMPRESSION_TYPE_MASK = 0x700;

    public static final int COMPRESSION_LZ4_TYPE = 0x100;
    public static final int COMPRESSION_ZSTD_TYPE = 0x200;
    public static final int COMPRESSION_ZLIB_TYPE = 0x300;

    private MessageSysFlag() {}

    /** The transaction state of {@code sysFlag}: one of the {@code TRANSACTION_*_TYPE} values. */
    public static int transactionType(int sysFlag) {
        return sysFlag & TRANSACTION_TYPE_MASK;
    }

    /** {@code sysFlag} with its transaction state replaced by {@code type}. */
    public static int withTransactionType(int sysFlag, int type) {
        return (sysFlag & ~TRANSACTION_TYPE_MASK) | (type & TRANSACTION_TYPE_MASK);
    }

    /**
     * Whether a record with this flag goes to a consume queue: PREPARED and ROLLBACK records do not
     * (docs/protocol.md §4.2), NOT and COMMIT do.
     */
    public static boolean isDispatchedToConsumeQueue(int sysFlag) {
        int type = transactionType(sysFlag);
        return type == TRANSACTION_NOT_TYPE || type == TRANSACTION_COMMIT_TYPE;
    }

    public static boolean isBornHostV6(int sysFlag) {
        return (sysFlag & BORNHOST_V6_FLAG) != 0;
    }

    public static boolean isStoreHostV6(int sysFlag) {
        return (sysFlag & STOREHOSTADDRESS_V6_FLAG) != 0;
    }
}
