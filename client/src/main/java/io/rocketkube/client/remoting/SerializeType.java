package io.rocketkube.client.remoting;

/** Header encoding, carried in the top byte of a frame's header word. */
public enum SerializeType {
    JSON((byte) 0),
    ROCKETMQ((byte) 1);

    private final byte code;

    SerializeType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** Returns null for a code this protocol does not define, so the decoder can reject the frame. */
    public static SerializeType ofCode(int code) {
        return switch (code) {
            case 0 -> JSON;
            case 1 -> ROCKETMQ;
            default -> null;
        };
    }
}
