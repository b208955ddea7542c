package io.rocketkube.broker.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.StoredMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Properties read from encoded records as the CommitLog holds them, body untouched. */
class RecordPropertiesTest {

    private static ByteBuffer record(String body, String properties) {
        MessageRecord r = new MessageRecord(
                "T1",
                0,
                0,
                7,
                1234,
                0,
                1L,
                new InetSocketAddress("127.0.0.1", 1),
                2L,
                new InetSocketAddress("127.0.0.1", 2),
                0,
                0,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)),
                properties,
                0);
        ByteBuffer buf = ByteBuffer.allocate(StoredMessageEncoder.size(r) + 16);
        buf.position(16);
        StoredMessageEncoder.encode(buf, r);
        buf.flip();
        return buf.position(16).slice();
    }

    @Test
    void readsOnlyTheNamedValuesWithTheCodecsTolerance() {
        RecordProperties props = new RecordProperties(List.of("a", "TAGS", "missing", "dup", "é"));
        // The body contains separator-like bytes and a fake "a" property: it must not be scanned.
        ByteBuffer rec = record(
                "a\u0001wrong\u0002",
                "a\u00015\u0002TAGS\u0001TagA\u0002dup\u00011\u0002x\u0002"
                        + "\u0001bad\u0002dup\u00012\u0002é\u0001ü");
        String[] out = new String[props.size()];
        assertThat(props.extract(rec, out)).isTrue();
        assertThat(out).containsExactly("5", "TagA", null, "2", null);
    }

    @Test
    void aRecordWhoseLengthsDoNotAddUpIsRefused() {
        RecordProperties props = new RecordProperties(List.of("a"));
        ByteBuffer rec = record("body", "a\u00011");
        ByteBuffer truncated = rec.duplicate().limit(rec.limit() - 3).slice();
        assertThat(props.extract(truncated, new String[1])).isFalse();
        ByteBuffer notARecord = ByteBuffer.wrap(new byte[200]);
        assertThat(props.extract(notARecord, new String[1])).isFalse();
    }

    @Test
    void theStoreFilterMatchesOnTheRecordsProperties() throws Exception {
        SqlMessageFilter filter = new SqlMessageFilter(SqlSelector.compile("a > 4 AND TAGS = 'TagA'"));
        assertThat(filter.matchesTagsCode(42)).isTrue();
        assertThat(filter.matchesRecord(record("x", "a\u00015\u0002TAGS\u0001TagA")))
                .isTrue();
        assertThat(filter.matchesRecord(record("x", "a\u00014\u0002TAGS\u0001TagA")))
                .isFalse();
        assertThat(filter.matchesRecord(record("x", ""))).isFalse();
    }
}
