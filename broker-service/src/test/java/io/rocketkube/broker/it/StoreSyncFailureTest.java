package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.engine.DefaultMessageStore;
import io.rocketkube.store.file.FileSync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsync failures are fatal (issue 16), end to end: a SYNC_FLUSH broker whose store fails one
 * {@code fdatasync} (injected) stops acknowledging sends, even though syncing works again, and is no
 * longer live, saying why.
 */
@Timeout(120)
class StoreSyncFailureTest {

    @TempDir
    Path dir;

    @Test
    void afterOneFailedSyncTheBrokerRefusesSendsAndIsNotLive() throws Exception {
        AtomicBoolean failNext = new AtomicBoolean();
        FileSync flaky = new FileSync() {
            @Override
            public void forceData(FileChannel channel, Path path) throws IOException {
                if (failNext.compareAndSet(true, false)) {
                    throw new IOException("Input/output error (injected)");
                }
                channel.force(false);
            }

            @Override
            public void forceDirectory(Path d) throws IOException {
                SYSTEM.forceDirectory(d);
            }
        };
        NameServer nameServer =
                new NameServer(NameServerSettings.forTest(Cluster.HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        BrokerSettings settings = BrokerSettings.forTest(Cluster.HOST, dir.resolve("broker"), nameServer.address())
                .withFlushMode(FlushMode.SYNC_FLUSH);
        Broker broker = Broker.open(
                settings,
                Clock.systemUTC(),
                config -> DefaultMessageStore.open(
                        config.toBuilder().fileSync(flaky).build()),
                new SimpleMeterRegistry());
        DefaultMQProducer producer = new DefaultMQProducer("PG_SYNC_FAIL");
        try {
            broker.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> broker.lastRegistrationMillis() >= 0);
            producer.setNamesrvAddr(nameServer.address());
            producer.setInstanceName("sync-fail-producer");
            producer.setRetryTimesWhenSendFailed(0);
            producer.start();
            assertThat(producer.send(Messages.message("T_SYNC_FAIL", 0, "TagA")).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
            assertThat(broker.isLive(2000)).isTrue();

            failNext.set(true);
            for (int i = 1; i <= 3; i++) {
                int seq = i;
                assertThatThrownBy(() -> producer.send(Messages.message("T_SYNC_FAIL", seq, "TagA")))
                        .satisfies(e -> {
                            MQBrokerException b = brokerCause(e);
                            assertThat(b.getResponseCode()).isEqualTo(ResponseCode.SERVICE_NOT_AVAILABLE);
                            assertThat(b.getErrorMessage()).contains("fdatasync");
                        });
            }
            assertThat(broker.isLive(2000)).isFalse();
            assertThat(broker.storeFatalReason())
                    .hasValueSatisfying(r -> assertThat(r).contains("fdatasync").contains("injected"));
        } finally {
            producer.shutdown();
            broker.close();
            nameServer.close();
        }
    }

    private static MQBrokerException brokerCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException b) {
                return b;
            }
        }
        throw new AssertionError("the send failed without a broker answer", e);
    }
}
