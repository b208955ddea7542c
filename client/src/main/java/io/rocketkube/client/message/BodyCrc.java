package io.rocketkube.client.message;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The BODYCRC of a stored record: CRC32 of the body as stored, masked with {@code 0x7FFFFFFF}
 * (RocketMQ's {@code UtilAll.crc32}), so it is never negative.
 */
public final class BodyCrc {

    private static final long MASK = 0x7FFFFFFFL;

    private BodyCrc() {
    }

    /** The masked CRC of the remaining bytes of {@code body}; does not move its position. */
    public static int of(ByteBuffer body) {
        CRC32 crc = new CRC32();
        crc.update(body.duplicate());
        return (int) (crc.getValue() & MASK);
    }

    public static int of(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body, 0, body.length);
        return (int) (crc.getValue() & MASK);
    }
}
