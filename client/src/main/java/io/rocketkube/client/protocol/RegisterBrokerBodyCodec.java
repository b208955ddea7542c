package io.rocketkube.client.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

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
 * A compressed body is read as it inflates, and refused past {@link #MAX_INFLATED_BYTES} (a plain body's
 * bound, the frame length), a chunk longer than {@link #MAX_CHUNK_BYTES} or more than {@link #MAX_TOPICS}
 * topics: a few hundred KiB of zlib can claim gigabytes, and a NameServer decoding several at once must not
 * run out of heap. The inflated form of a broker's registration is about 30 bytes per topic.
 */
public final class RegisterBrokerBodyCodec {
    static final int MAX_INFLATED_BYTES = 16 * 1024 * 1024;
    /** The DataVersion JSON, one topic line, the filter server list: each far smaller. */
    static final int MAX_CHUNK_BYTES = 1024 * 1024;
    /** Topics of one broker; RocketMQ advises tens of thousands at most. */
    static final int MAX_TOPICS = 262_144;

    private RegisterBrokerBodyCodec() {}

    /**
     * @param version the request's version: below 37 (V3_0_11) the body is a bare topic table
     */
    public static RegisterBrokerBody decode(byte[] body, boolean compressed, int version) {
        if (body == null || body.length == 0) {
            return new RegisterBrokerBody(null, null);
        }
        if (compressed) {
            return decodeCompressed(body);
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

    /**
     * Reads the inflated form straight from the zlib stream, never holding it whole: what a body can make us
     * allocate is bounded by {@link #MAX_INFLATED_BYTES} read, {@link #MAX_CHUNK_BYTES} per chunk and
     * {@link #MAX_TOPICS}, not by what it claims.
     */
    private static RegisterBrokerBody decodeCompressed(byte[] body) {
        Inflater inflater = new Inflater();
        try (DataInputStream in = new DataInputStream(
                new BoundedInput(new InflaterInputStream(new ByteArrayInputStream(body), inflater, 8192)))) {
            DataVersion dataVersion = RemotingJson.mapper().readValue(readChunk(in), DataVersion.class);
            int topicCount = in.readInt();
            if (topicCount < 0 || topicCount > MAX_TOPICS) {
                throw rejected("compressed body claims " + topicCount + " topics (at most " + MAX_TOPICS + ")");
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
            byte[] filterServerJson = readOptionalChunk(in);
            List<String> filterServers = filterServerJson == null
                    ? List.of()
                    : RemotingJson.mapper().readValue(filterServerJson, new TypeReference<List<String>>() {});
            return new RegisterBrokerBody(new TopicConfigSerializeWrapper(topics, dataVersion), filterServers);
        } catch (EOFException e) {
            throw rejected("compressed body is truncated");
        } catch (ZipException e) {
            throw rejected("compressed body is not zlib: " + e.getMessage());
        } catch (JacksonException e) {
            throw rejected("compressed body has invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw rejected("compressed body cannot be read: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static byte[] readChunk(DataInputStream in) throws IOException {
        return readChunkOf(in, in.readInt());
    }

    /** The last chunk, which senders before the filter server list did not write: null at the stream's end. */
    private static byte[] readOptionalChunk(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        return readChunkOf(
                in,
                (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte());
    }

    private static byte[] readChunkOf(DataInputStream in, int length) throws IOException {
        if (length < 0 || length > MAX_CHUNK_BYTES) {
            throw rejected("compressed body chunk of " + length + " bytes (at most " + MAX_CHUNK_BYTES + ")");
        }
        byte[] chunk = new byte[length];
        in.readFully(chunk);
        return chunk;
    }

    /** Refuses the body once more than {@link #MAX_INFLATED_BYTES} have been inflated from it. */
    private static final class BoundedInput extends FilterInputStream {
        private long read;

        BoundedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_INFLATED_BYTES) {
                throw rejected("compressed body inflates past " + MAX_INFLATED_BYTES + " bytes");
            }
        }
    }

    private static RequestRejectedException rejected(String reason) {
        return new RequestRejectedException(ResponseCode.SYSTEM_ERROR, reason);
    }
}
