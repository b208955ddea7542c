package io.rocketkube.client.protocol;

import java.util.zip.CRC32;

/** CRC32 as the protocol carries it: masked to 31 bits, so that it is never negative as a Java int. */
public final class Crc32 {
    private Crc32() {
    }

    public static int masked(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) (crc.getValue() & 0x7FFFFFFF);
    }
}
