package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
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
 */
public final class RemotingCommand {
    /** Version ordinal we announce: 4.9.8's, so that peers enable every feature they gate on version. */
    public static final int OUR_VERSION = 409;

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
        response.remark = responseRemark;
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

    public RemotingCommand withRemark(String newRemark) {
        this.remark = newRemark;
        return this;
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

    public byte[] body() {
        return body;
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
        return body == null ? 0 : body.length;
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
