package io.rocketkube.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.SubscriptionData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerManagerTest {
    private final List<String> notices = new ArrayList<>();
    private final ConsumerManager consumers =
            new ConsumerManager((group, members) -> notices.add(group + ":" + members.size()));

    private static ConsumerData data(String group, String expression) {
        return new ConsumerData(
                group,
                "CONSUME_PASSIVELY",
                "CLUSTERING",
                "CONSUME_FROM_LAST_OFFSET",
                List.of(SubscriptionData.ofTags("T", expression, 1)),
                false);
    }

    @Test
    void membershipAndSubscriptionChangesNotifyTheGroupButRepeatHeartbeatsDoNot() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        consumers.register(new ClientChannel(a, "10.0.0.1@1", "JAVA", 409, 0), data("G", "*"));
        consumers.register(new ClientChannel(a, "10.0.0.1@1", "JAVA", 409, 1), data("G", "*"));
        consumers.register(new ClientChannel(b, "10.0.0.2@7", "JAVA", 409, 2), data("G", "*"));
        consumers.register(new ClientChannel(b, "10.0.0.2@7", "JAVA", 409, 3), data("G", "TagA || TagB"));
        assertThat(notices).containsExactly("G:1", "G:2", "G:2");
        assertThat(consumers.clientIds("G")).containsExactlyInAnyOrder("10.0.0.1@1", "10.0.0.2@7");
        assertThat(consumers.subscription("G", "T"))
                .hasValueSatisfying(s -> assertThat(s.tagsSet()).containsExactlyInAnyOrder("TagA", "TagB"));

        consumers.channelClosed(a);
        assertThat(notices).last().isEqualTo("G:1");
        assertThat(consumers.clientIds("G")).containsExactly("10.0.0.2@7");
    }

    @Test
    void membersWithoutARecentHeartbeatExpire() {
        EmbeddedChannel a = new EmbeddedChannel();
        consumers.register(new ClientChannel(a, "c1", "JAVA", 409, 1_000), data("G", "*"));
        assertThat(consumers.expireIdle(500)).isEmpty();
        assertThat(consumers.expireIdle(1_001)).containsExactly(a);
        assertThat(consumers.isOnline("G")).isFalse();
    }
}
