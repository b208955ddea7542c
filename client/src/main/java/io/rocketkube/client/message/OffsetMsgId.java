package io.rocketkube.client.message;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The offset message id (docs/protocol.md §4.6), upper-case hex of:
 * <pre>
 * 0      4|16  storeHost address (IPv4 | IPv6)
 * 4|16   4     storeHost port
 * 8|20   8     commit-log physical offset
 * </pre>
 * 32 hex chars for IPv4, 56 for IPv6; like the reference, the decoder tells them apart by length.
 */
public record OffsetMsgId(InetSocketAddress storeHost, long physicalOffset) {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final int PORT_LENGTH = 4;
    private static final int OFFSET_LENGTH = 8;
    public static final int IPV4_ID_LENGTH = 2 * (4 + PORT_LENGTH + OFFSET_LENGTH);
    public static final int IPV6_ID_LENGTH = 2 * (16 + PORT_LENGTH + OFFSET_LENGTH);

    public OffsetMsgId {
        Objects.requireNonNull(storeHost, "storeHost");
        if (storeHost.getAddress() == null) {
            throw new IllegalArgumentException("store host must be resolved: " + storeHost);
        }
    }

    /** The hex id. */
    public String encode() {
        byte[] address = storeHost.getAddress().getAddress();
        ByteBuffer buf = ByteBuffer.allocate(address.length + PORT_LENGTH + OFFSET_LENGTH);
        buf.put(address).putInt(storeHost.getPort()).putLong(physicalOffset);
        return HEX.formatHex(buf.array());
    }

    /** Shorthand for {@code new OffsetMsgId(storeHost, physicalOffset).encode()}. */
    public static String encode(InetSocketAddress storeHost, long physicalOffset) {
        return new OffsetMsgId(storeHost, physicalOffset).encode();
    }

    /**
     * Parses a hex id.
     *
     * @throws IllegalArgumentException if it is neither 32 nor 56 hex chars
     */
    public static OffsetMsgId decode(String id) {
        Objects.requireNonNull(id, "id");
        int addressLength;
        if (id.length() == IPV4_ID_LENGTH) {
            addressLength = 4;
        } else if (id.length() == IPV6_ID_LENGTH) {
            addressLength = 16;
        } else {
            throw new IllegalArgumentException("offset msgId must be " + IPV4_ID_LENGTH + " or " + IPV6_ID_LENGTH
                    + " hex chars, was " + id.length());
        }
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(id));
        byte[] address = new byte[addressLength];
        buf.get(address);
        int port = buf.getInt();
        long offset = buf.getLong();
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("offset msgId port out of range: " + port);
        }
        try {
            return new OffsetMsgId(new InetSocketAddress(InetAddress.getByAddress(address), port), offset);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
