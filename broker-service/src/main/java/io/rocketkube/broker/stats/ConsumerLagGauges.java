package io.rocketkube.broker.stats;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.store.MessageStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code rocketkube.broker.consumer.lag{group,topic}}: messages stored but not yet committed by the group,
 * summed over the topic's queues. Recomputed by {@link #refresh()} (the broker runs it every 10 s) rather
 * than on every scrape, since it walks every committed queue.
 */
public final class ConsumerLagGauges {
    private final MultiGauge gauge;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;

    public ConsumerLagGauges(
            MeterRegistry registry, TopicConfigManager topics, ConsumerOffsetManager offsets, MessageStore store) {
        this.gauge = MultiGauge.builder("rocketkube.broker.consumer.lag")
                .description("messages not yet consumed, per group and topic")
                .register(registry);
        this.topics = topics;
        this.offsets = offsets;
        this.store = store;
    }

    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        for (String topic : topics.all().keySet()) {
            groups.addAll(offsets.groupsOf(topic));
        }
        for (String group : groups) {
            for (String topic : offsets.topicsOf(group)) {
                Optional<TopicConfig> config = topics.find(topic);
                if (config.isEmpty()) {
                    continue;
                }
                long lag = 0;
                for (int q = 0; q < config.get().readQueueNums(); q++) {
                    long committed = offsets.query(group, topic, q).orElse(0);
                    lag += Math.max(0, store.maxOffset(topic, q) - committed);
                }
                rows.add(MultiGauge.Row.of(Tags.of("group", group, "topic", topic), lag));
            }
        }
        gauge.register(rows, true);
    }
}
