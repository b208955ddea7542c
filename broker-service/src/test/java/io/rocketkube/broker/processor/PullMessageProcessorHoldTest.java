package io.rocketkube.broker.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rocketkube.broker.client.ConsumerIdsChangedNotifier;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.longpoll.PullRequestHoldService;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.persist.BrokerFiles;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a long-polled pull parks, and that it is always answered: past the hold caps, and when its resume is refused. */
class PullMessageProcessorHoldTest {
    private static final String TOPIC = "T_HOLD";

    @TempDir
    Path dir;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private DefaultMessageStore store;

    @AfterEach
    void stop() {
        timer.shutdownNow();
        if (store != null) {
            store.close();
        }
    }

    private PullMessageProcessor processor(PullRequestHoldService holds, Executor pullPool) throws Exception {
        BrokerSettings settings = BrokerSettings.forTest("127.0.0.1", dir, "");
        store = DefaultMessageStore.open(StoreConfig.builder(dir.resolve("store"))
                        .commitLogSegmentSize(1024 * 1024)
                        .maxMessageSize(64 * 1024)
                        .build())
                .start();
        TopicConfigManager topics = TopicConfigManager.load(BrokerFiles.topics(dir), settings, Clock.systemUTC());
        topics.upsert(TopicConfig.of(TOPIC, 1, 6));
        return new PullMessageProcessor(
                settings,
                store,
                topics,
                SubscriptionGroupManager.load(BrokerFiles.subscriptionGroups(dir), Clock.systemUTC(), () -> true),
                new ConsumerManager(new ConsumerIdsChangedNotifier()),
                ConsumerOffsetManager.load(BrokerFiles.consumerOffsets(dir)),
                holds,
                new BrokerStats(new SimpleMeterRegistry(), Clock.systemUTC(), () -> 0),
                pullPool,
                new io.rocketkube.broker.filter.ConsumerFilters(true));
    }

    /** A long-polling pull of the empty queue, subscription in the request (no heartbeat needed). */
    private static RemotingCommand suspendingPull(long suspendMillis) {
        return RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .withExtField("consumerGroup", "G_HOLD")
                .withExtField("topic", TOPIC)
                .withExtField("queueId", 0)
                .withExtField("queueOffset", 0)
                .withExtField("maxMsgNums", 32)
                .withExtField("sysFlag", PullMessageProcessor.FLAG_SUSPEND | PullMessageProcessor.FLAG_SUBSCRIPTION)
                .withExtField("commitOffset", 0)
                .withExtField("suspendTimeoutMillis", suspendMillis)
                .withExtField("subscription", "*")
                .withExtField("subVersion", 0);
    }

    @Test
    void aPullPastTheConnectionsHoldCapIsAnsweredAtOnceWithNoNewMessage() throws Exception {
        PullRequestHoldService holds = new PullRequestHoldService(timer, 1, 100);
        PullMessageProcessor pulls = processor(holds, Runnable::run);
        EmbeddedChannel connection = new EmbeddedChannel();

        CompletableFuture<RemotingCommand> parked = pulls.process(connection, suspendingPull(20_000));
        CompletableFuture<RemotingCommand> pastCap = pulls.process(connection, suspendingPull(20_000));

        assertThat(parked).isNotDone();
        assertThat(holds.heldCount()).isEqualTo(1);
        assertThat(pastCap).isDone();
        RemotingCommand answer = pastCap.join();
        assertThat(answer.code()).isEqualTo(ResponseCode.PULL_NOT_FOUND);
        assertThat(answer.extField("nextBeginOffset")).isEqualTo("0");
        // Another connection still gets to park its pull.
        assertThat(pulls.process(new EmbeddedChannel(), suspendingPull(20_000))).isNotDone();
        assertThat(holds.heldCount()).isEqualTo(2);
        holds.close();
        await().atMost(Duration.ofSeconds(5)).until(parked::isDone);
    }

    @Test
    void aResumeThePullPoolRejectsIsAnsweredSystemBusyNotDropped() throws Exception {
        PullRequestHoldService holds = new PullRequestHoldService(timer);
        Executor full = task -> {
            throw new RejectedExecutionException("pull pool queue full");
        };
        PullMessageProcessor pulls = processor(holds, full);

        CompletableFuture<RemotingCommand> parked = pulls.process(new EmbeddedChannel(), suspendingPull(100));

        await().atMost(Duration.ofSeconds(5)).until(parked::isDone);
        assertThat(parked.join().code()).isEqualTo(ResponseCode.SYSTEM_BUSY);
        assertThat(holds.heldCount()).isZero();
    }
}
