package io.rocketkube.client.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageId;
import org.junit.jupiter.api.Test;

class OffsetMsgIdTest {

    @Test
    void encodesTheReferenceExample() throws Exception {
        InetSocketAddress store = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 10911);
        assertThat(OffsetMsgId.encode(store, 160)).isEqualTo("0A00000100002A9F00000000000000A0");
        assertThat(MessageDecoder.createMessageId(store, 160)).isEqualTo("0A00000100002A9F00000000000000A0");
    }

    @Test
    void roundTripsAndAgreesWithTheOfficialDecoderForBothFamilies() throws Exception {
        for (String ip : new String[] {"127.0.0.9", "fd00::1234"}) {
            InetSocketAddress store = new InetSocketAddress(InetAddress.getByName(ip), 10911);
            String id = OffsetMsgId.encode(store, 123_456_789_012L);
            assertThat(id).isEqualTo(MessageDecoder.createMessageId(store, 123_456_789_012L));
            OffsetMsgId ours = OffsetMsgId.decode(id);
            MessageId theirs = MessageDecoder.decodeMessageId(id);
            assertThat(ours.storeHost()).isEqualTo(theirs.getAddress());
            assertThat(ours.physicalOffset()).isEqualTo(theirs.getOffset());
        }
    }

    @Test
    void refusesIdsOfTheWrongLength() {
        assertThatThrownBy(() -> OffsetMsgId.decode("ABCD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 or 56");
        assertThatThrownBy(() -> OffsetMsgId.decode("ZZ00000100002A9F00000000000000A0"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
