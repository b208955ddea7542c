package io.rocketkube.store;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders shared by the store tests. */
public final class TestMessages {

    public static final InetSocketAddress BORN = new InetSocketAddress(addr("127.0.0.2"), 40000);
    public static final InetSocketAddress STORE = new InetSocketAddress(addr("127.0.0.3"), 10911);

    private TestMessages() {}

    public static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Small files so tests roll segments quickly. */
    public static StoreConfig.Builder smallConfig(Path dir) {
        return StoreConfig.builder(dir)
                .commitLogSegmentSize(64 * 1024)
                .maxMessageSize(16 * 1024)
                .consumeQueueEntriesPerFile(64)
                .indexSlots(101)
                .indexMaxEntries(500)
                .checkpointInterval(Duration.ofMillis(200))
                .flushInterval(Duration.ofMillis(50))
                // The machine's disk is shared: how full others make it must not decide what a test deletes
                // or refuses. Tests of the thresholds set them.
                .diskCleanExpiredPercent(100)
                .diskCleanForciblyPercent(100)
                .diskFullPercent(100)
                .storeHost(STORE);
    }

    public static String body(String topic, int queueId, long n) {
        return topic + "/" + queueId + "/" + n;
    }

    public static MessageRecordRequest message(
            String topic, int queueId, String body, String tag, String keys, String uniq) {
        Map<String, String> props = new LinkedHashMap<>();
        if (tag != null) {
            props.put(MessageProperties.TAGS, tag);
        }
        if (keys != null) {
            props.put(MessageProperties.KEYS, keys);
        }
        if (uniq != null) {
            props.put(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq);
        }
        return MessageRecordRequest.builder(topic, queueId, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                .bornHost(BORN)
                .bornTimestamp(1_700_000_000_000L)
                .properties(PropertiesCodec.encode(props))
                .tagsCode(tag == null ? 0 : tag.hashCode())
                .keys(keys == null ? List.of() : List.of(keys.split(" ")))
                .uniqKey(uniq)
                .build();
    }

    public static MessageRecordRequest message(String topic, int queueId, String body) {
        return message(topic, queueId, body, null, null, null);
    }

    public static MessageRecord decode(MessageSlice slice) {
        RecordDecodeResult r = StoredMessageDecoder.decode(slice.view(), 0, slice.size(), Integer.MAX_VALUE, true);
        if (!(r instanceof RecordDecodeResult.Decoded d)) {
            throw new AssertionError("not a record: " + r);
        }
        return d.record();
    }

    public static String bodyOf(MessageSlice slice) {
        return new String(decode(slice).bodyBytes(), StandardCharsets.UTF_8);
    }
}
