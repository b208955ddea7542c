package io.rocketkube.broker.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.persist.BrokerFiles;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.TopicConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sends may run on the I/O thread: only those that can never create a topic. */
class SendTargetTest {
    @TempDir
    Path dir;

    @Test
    void onlyExistingNonRetryTopicsResolveWithoutCreating() throws Exception {
        TopicConfigManager topics = TopicConfigManager.load(
                BrokerFiles.topics(dir), BrokerSettings.forTest("127.0.0.1", dir, ""), Clock.systemUTC());
        SubscriptionGroupManager groups =
                SubscriptionGroupManager.load(BrokerFiles.subscriptionGroups(dir), Clock.systemUTC(), () -> true);
        topics.upsert(TopicConfig.of("Existing", 4, 6));
        topics.createIfAbsent("%RETRY%G", 1, 6);
        SendTarget target = new SendTarget(topics, groups, () -> true);

        assertThat(target.resolvesWithoutCreating("Existing")).isTrue();
        assertThat(target.resolvesWithoutCreating("NotYetCreated"))
                .as("auto-create")
                .isFalse();
        assertThat(target.resolvesWithoutCreating("%RETRY%G"))
                .as("may go to a new DLQ topic")
                .isFalse();
        assertThat(target.resolvesWithoutCreating(null)).as("header missing").isFalse();
        assertThat(topics.find("NotYetCreated")).as("asking creates nothing").isEmpty();
    }
}
