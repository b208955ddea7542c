package io.rocketkube.client.util;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * CRC32 masked to 31 bits ({@code & 0x7FFFFFFF}), so it is never negative as a Java int: the form
 * RocketMQ carries everywhere it sends or stores a CRC32, the stored record's BODYCRC
 * and a broker registration's {@code bodyCrc32} alike (docs/protocol.md).
 */
public final class MaskedCrc32 {

    private static final long MASK = 0x7FFFFFFFL;

    private MaskedCrc32() {}

    /** The masked CRC of the remaining bytes of {@code bytes}; does not move its position. */
    public static int of(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        return (int) (crc.getValue() & MASK);
    }

    public static int of(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return (int) (crc.getValue() & MASK);
    }
}
