package io.rocketkube.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.broker.persist.BrokerFiles;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.TopicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicConfigManagerTest {
    @TempDir
    Path dir;

    private TopicConfigManager load() throws IOException {
        return TopicConfigManager.load(
                BrokerFiles.topics(dir), BrokerSettings.forTest("127.0.0.1", dir, ""), Clock.systemUTC());
    }

    @Test
    void systemTopicsExistAndAutoCreationFollowsTheTemplate() throws Exception {
        TopicConfigManager topics = load();
        assertThat(topics.find("TBW102"))
                .hasValueSatisfying(t -> assertThat(t.perm()).isEqualTo(7));
        assertThat(topics.find("SCHEDULE_TOPIC_XXXX")).isPresent();
        TopicConfig created = topics.createFromTemplate("T1", "TBW102", 4).orElseThrow();
        assertThat(created.writeQueueNums()).isEqualTo(4);
        assertThat(created.perm()).isEqualTo(PermName.READ_WRITE);
        assertThat(topics.createFromTemplate("T2", "T1", 4))
                .as("T1 does not allow inheritance")
                .isEmpty();
    }

    @Test
    void everyChangeBumpsTheVersionTellsListenersAndSurvivesAReload() throws Exception {
        TopicConfigManager topics = load();
        AtomicInteger told = new AtomicInteger();
        topics.addListener(told::incrementAndGet);
        long before = topics.dataVersion().counter();
        topics.upsert(TopicConfig.of("T1", 3, 6));
        topics.createIfAbsent("%RETRY%G", 1, 6);
        topics.delete("T1");
        assertThat(told).hasValue(3);
        assertThat(topics.dataVersion().counter()).isEqualTo(before + 3);

        TopicConfigManager reloaded = load();
        assertThat(reloaded.find("%RETRY%G")).isPresent();
        assertThat(reloaded.find("T1")).isEmpty();
        assertThat(reloaded.dataVersion()).isEqualTo(topics.dataVersion());
    }

    /** A group's retryQueueNums persisted or synced before it was bounded: its retry topic is not 2^31 queues. */
    @Test
    void aRetryTopicIsCreatedWithinTheQueueBound() throws Exception {
        TopicConfigManager topics = load();
        assertThat(topics.createIfAbsent("%RETRY%HUGE", Integer.MAX_VALUE, 6).writeQueueNums())
                .isEqualTo(TopicConfigManager.MAX_QUEUES);
        assertThat(topics.createIfAbsent("%RETRY%NEGATIVE", -1, 6).readQueueNums())
                .isEqualTo(1);
    }

    @Test
    void aDamagedFileIsRefusedNotSilentlyEmptied() throws Exception {
        load().upsert(TopicConfig.of("T1", 3, 6));
        Path file = BrokerFiles.topics(dir).path();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x5A;
        Files.write(file, bytes);
        assertThatThrownBy(this::load).isInstanceOf(IOException.class);
    }
}
