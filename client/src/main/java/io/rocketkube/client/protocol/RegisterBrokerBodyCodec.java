package io.rocketkube.client.protocol;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * REGISTER_BROKER bodies in both forms: plain JSON, or (header {@code compressed=true}) a zlib stream that
 * inflates to
 *
 * <pre>
 * int32 length, bytes   DataVersion JSON
 * int32 topicCount
 * topicCount times:     int32 length, bytes  TopicConfig text "name read write perm filterType [attributes]"
 * int32 length, bytes   filter server list JSON
 * </pre>
 *
 * A compressed body inflating past {@link #MAX_INFLATED_BYTES} is refused: a few KiB of zlib can claim
 * gigabytes.
 */
public final class RegisterBrokerBodyCodec {
    static final int MAX_INFLATED_BYTES = 64 * 1024 * 1024;

    private RegisterBrokerBodyCodec() {}

    /**
     * @param version the request's version: below 37 (V3_0_11) the body is a bare topic table
     */
    public static RegisterBrokerBody decode(byte[] body, boolean compressed, int version) {
        if (body == null || body.length == 0) {
            return new RegisterBrokerBody(null, null);
        }
        if (compressed) {
            return decodeCompressed(inflate(body));
        }
        if (version < 37) {
            return new RegisterBrokerBody(RemotingJson.decode(body, TopicConfigSerializeWrapper.class), null);
        }
        return RemotingJson.decode(body, RegisterBrokerBody.class);
    }

    public static byte[] encode(RegisterBrokerBody body, boolean compressed) {
        if (!compressed) {
            return RemotingJson.encode(body);
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        writeChunk(raw, RemotingJson.encode(body.topicConfigSerializeWrapper().dataVersion()));
        Map<String, TopicConfig> topics = body.topicConfigSerializeWrapper().topicConfigTable();
        raw.writeBytes(ByteBuffer.allocate(4).putInt(topics.size()).array());
        topics.values().forEach(topic -> writeChunk(raw, topic.toText().getBytes(StandardCharsets.UTF_8)));
        writeChunk(raw, RemotingJson.encode(body.filterServerList()));
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(raw.toByteArray());
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void writeChunk(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static byte[] inflate(byte[] body) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw rejected("compressed body is truncated");
                }
                out.write(chunk, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw rejected("compressed body inflates past " + MAX_INFLATED_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw rejected("compressed body is not zlib: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static RegisterBrokerBody decodeCompressed(byte[] raw) {
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            DataVersion dataVersion = RemotingJson.mapper().readValue(readChunk(in), DataVersion.class);
            int topicCount = in.getInt();
            if (topicCount < 0 || topicCount > in.remaining() / Integer.BYTES) {
                throw rejected("compressed body claims " + topicCount + " topics");
            }
            Map<String, TopicConfig> topics = new LinkedHashMap<>();
            for (int i = 0; i < topicCount; i++) {
                String text = new String(readChunk(in), StandardCharsets.UTF_8);
                TopicConfig topic = TopicConfig.parseText(text);
                if (topic == null) {
                    throw rejected("compressed body has a malformed topic line: " + text);
                }
                topics.put(topic.topicName(), topic);
            }
            List<String> filterServers = in.hasRemaining()
                    ? RemotingJson.mapper().readValue(readChunk(in), new TypeReference<List<String>>() {})
                    : List.of();
            return new RegisterBrokerBody(new TopicConfigSerializeWrapper(topics, dataVersion), filterServers);
        } catch (BufferUnderflowException e) {
            throw rejected("compressed body is truncated");
        } catch (IOException e) {
            throw rejected("compressed body has invalid JSON: " + e.getMessage());
        }
    }

    private static byte[] readChunk(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw rejected("compressed body chunk of " + length + " bytes exceeds the " + in.remaining() + " left");
        }
        byte[] chunk = new byte[length];
        in.get(chunk);
        return chunk;
    }

    private static RequestRejectedException rejected(String reason) {
        return new RequestRejectedException(ResponseCode.SYSTEM_ERROR, reason);
    }
}
