package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one envelope of the remoting protocol: a request or a response, with the "custom header" carried as
 * string ext fields and an opaque body.
 *
 * <p>Commands are mutable while they are being built and must not be changed once handed to a channel. The
 * body is either a byte array or, for zero-copy responses such as pulled messages, a Netty {@link ByteBuf}
 * whose ownership passes to the encoder when the command is written.
 *
 * <p>An inbound request's body may arrive as a retained slice of the connection's read buffer ({@link
 * FrameDecoder}), which the endpoint releases when the request is answered, together with its inbound budget.
 * Until then {@link #bodyByteBuffer()} reads it without a copy and {@link #body()} copies it once into an
 * array; after it, a body nobody asked for is gone and asking for it fails loudly (a processor that keeps a
 * request past its answer takes the body first).
 */
public final class RemotingCommand {
    /** Version ordinal we announce: 4.9.8's, so that peers enable every feature they gate on version. */
    public static final int OUR_VERSION = 409;
    /** The longest remark we send; a longer one is cut with a note of how much was left out. */
    public static final int MAX_REMARK_CHARS = 2048;

    private static final int RESPONSE_FLAG = 1;
    private static final int ONEWAY_FLAG = 1 << 1;
    private static final AtomicInteger NEXT_OPAQUE = new AtomicInteger();

    private int code;
    private LanguageCode language = LanguageCode.JAVA;
    private int version = OUR_VERSION;
    private int opaque;
    private int flag;
    private String remark;
    private Map<String, String> extFields;
    private byte[] body;
    private ByteBuf bodyBuffer;
    /** An inbound request's body as a retained slice of the read buffer; null once released. */
    private ByteBuf inboundBody;

    private int inboundBodyLength;
    private boolean inboundBodyReleased;
    private SerializeType serializeType = SerializeType.JSON;
    /** Inbound budget bytes this request holds until it is answered; see {@link InboundBudget}. */
    private int admittedBytes;

    private RemotingCommand() {}

    public static RemotingCommand request(int code) {
        RemotingCommand command = new RemotingCommand();
        command.code = code;
        command.opaque = NEXT_OPAQUE.getAndIncrement();
        return command;
    }

    /** A response to this request: same opaque and serialize type, response flag set. */
    public RemotingCommand response(int responseCode, String responseRemark) {
        RemotingCommand response = new RemotingCommand();
        response.code = responseCode;
        response.remark = bounded(responseRemark);
        response.opaque = opaque;
        response.flag = RESPONSE_FLAG;
        response.serializeType = serializeType;
        return response;
    }

    public RemotingCommand response(int responseCode) {
        return response(responseCode, null);
    }

    /** Used by decoders, which read every field off the wire. */
    static RemotingCommand decoded(
            int code,
            LanguageCode language,
            int version,
            int opaque,
            int flag,
            String remark,
            Map<String, String> extFields,
            SerializeType serializeType) {
        RemotingCommand command = new RemotingCommand();
        command.code = code;
        command.language = language;
        command.version = version;
        command.opaque = opaque;
        command.flag = flag;
        command.remark = remark;
        command.extFields = extFields;
        command.serializeType = serializeType;
        return command;
    }

    public int code() {
        return code;
    }

    public LanguageCode language() {
        return language;
    }

    public int version() {
        return version;
    }

    public int opaque() {
        return opaque;
    }

    public int flag() {
        return flag;
    }

    public boolean isResponse() {
        return (flag & RESPONSE_FLAG) != 0;
    }

    public boolean isOneway() {
        return (flag & ONEWAY_FLAG) != 0;
    }

    public RemotingCommand markOneway() {
        flag |= ONEWAY_FLAG;
        return this;
    }

    public String remark() {
        return remark;
    }

    /** Sets the remark, cut to {@link #MAX_REMARK_CHARS} (see there). */
    public RemotingCommand withRemark(String newRemark) {
        this.remark = bounded(newRemark);
        return this;
    }

    /**
     * An error's remark often quotes what the request got wrong; a request can make that megabytes long, and a
     * header must fit the frame's 24-bit header length (a control character takes 6 bytes in JSON).
     */
    private static String bounded(String text) {
        if (text == null || text.length() <= MAX_REMARK_CHARS) {
            return text;
        }
        return text.substring(0, MAX_REMARK_CHARS) + "... (" + (text.length() - MAX_REMARK_CHARS) + " more characters)";
    }

    /** The ext fields, never null; empty when the frame carried none. */
    public Map<String, String> extFields() {
        return extFields == null ? Collections.emptyMap() : extFields;
    }

    /** Null when the frame carried no ext block (a distinction ROCKETMQ-encoded peers make). */
    Map<String, String> rawExtFields() {
        return extFields;
    }

    public String extField(String name) {
        return extFields == null ? null : extFields.get(name);
    }

    /** Adds a header field; null values are skipped, as the reference writes no entry for a null field. */
    public RemotingCommand withExtField(String name, Object value) {
        if (value == null) {
            return this;
        }
        if (extFields == null) {
            extFields = new LinkedHashMap<>();
        }
        extFields.put(name, String.valueOf(value));
        return this;
    }

    public RemotingCommand withExtFields(Map<String, String> fields) {
        fields.forEach(this::withExtField);
        return this;
    }

    /** The body as an array; an inbound slice is copied into one on the first call. */
    public byte[] body() {
        if (body == null && inboundBody != null) {
            body = ByteBufUtil.getBytes(inboundBody);
        } else if (body == null && inboundBodyReleased) {
            throw bodyReleased();
        }
        return body;
    }

    /**
     * The body without a copy where it arrived as a slice (never null; empty without a body). The buffer is
     * only valid until the request is answered: whoever keeps its bytes beyond that copies them.
     */
    public ByteBuffer bodyByteBuffer() {
        if (body != null) {
            return ByteBuffer.wrap(body);
        }
        if (inboundBody != null) {
            return inboundBody.nioBuffer();
        }
        if (inboundBodyReleased) {
            throw bodyReleased();
        }
        return ByteBuffer.allocate(0);
    }

    /** Set by the decoder: the reference to {@code slice} passes to this command. */
    void withInboundBody(ByteBuf slice) {
        this.inboundBody = slice;
        this.inboundBodyLength = slice.readableBytes();
    }

    /**
     * Gives the read buffer back; the endpoint calls it when the request is answered, and only code that
     * runs a {@link FrameDecoder} itself (tests) needs to. Idempotent.
     */
    public void releaseInboundBody() {
        if (inboundBody != null) {
            ByteBuf slice = inboundBody;
            inboundBody = null;
            inboundBodyReleased = true;
            slice.release();
        }
    }

    private IllegalStateException bodyReleased() {
        return new IllegalStateException(
                "the body of request " + code + " (opaque " + opaque + ") was read after the request was answered");
    }

    public RemotingCommand withBody(byte[] newBody) {
        this.body = newBody;
        this.bodyBuffer = null;
        return this;
    }

    public RemotingCommand withBody(String text) {
        return withBody(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body written straight from this buffer; the encoder releases it. */
    public RemotingCommand withBodyBuffer(ByteBuf buffer) {
        this.bodyBuffer = buffer;
        this.body = null;
        return this;
    }

    public ByteBuf bodyBuffer() {
        return bodyBuffer;
    }

    public int bodyLength() {
        if (bodyBuffer != null) {
            return bodyBuffer.readableBytes();
        }
        if (body != null) {
            return body.length;
        }
        return inboundBodyLength;
    }

    public SerializeType serializeType() {
        return serializeType;
    }

    public RemotingCommand withSerializeType(SerializeType type) {
        this.serializeType = type;
        return this;
    }

    public RemotingCommand withLanguage(LanguageCode newLanguage) {
        this.language = newLanguage;
        return this;
    }

    public RemotingCommand withVersion(int newVersion) {
        this.version = newVersion;
        return this;
    }

    void admitted(int bytes) {
        this.admittedBytes = bytes;
    }

    /** The admitted bytes, once: the second call returns 0, so a request cannot be released twice. */
    int takeAdmittedBytes() {
        int bytes = admittedBytes;
        admittedBytes = 0;
        return bytes;
    }

    @Override
    public String toString() {
        return (isResponse() ? "Response" : "Request") + "{code=" + code + ", opaque=" + opaque + ", flag=" + flag
                + ", remark=" + remark + ", extFields=" + extFields + ", bodyLength=" + bodyLength()
                + ", serializeType=" + serializeType + '}';
    }
}
