package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.DiskThresholds;
import io.rocketkube.client.protocol.ResponseCode;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Disk full, end to end (issue 16): the broker's store on a 256 MiB tmpfs mounted by the test (skipped
 * where mounting is not permitted; always unmounted). Once a filler file pushes the file system past
 * {@code disk-space-warning-level-ratio}, the official producer's sends fail with SERVICE_NOT_AVAILABLE and a
 * remark saying the disk is full; a consumer still reads every acknowledged message; deleting the filler
 * lets sends through again.
 */
@Tag("integration")
@Timeout(120)
class DiskFullBrokerTest {

    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("rk-broker-diskfull");
        int rc = run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mount.toString());
        if (rc != 0) {
            Files.deleteIfExists(mount);
            Assumptions.abort("cannot mount a tmpfs here (rc " + rc + ")");
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && Files.exists(mount)) {
            if (run("umount", mount.toString()) != 0) {
                run("umount", "-l", mount.toString());
            }
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void sendsAreRefusedWhileTheDiskIsFullAndReadsGoOn() throws Exception {
        String topic = "T_DISK_FULL";
        try (Cluster cluster = new Cluster(mount, s -> s.withDisk(new DiskThresholds(100, 100, 75)))) {
            DefaultMQProducer producer = new DefaultMQProducer("PG_DISK_FULL");
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName("disk-full-producer");
            producer.setRetryTimesWhenSendFailed(0);
            producer.start();
            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("CG_DISK_FULL");
            try {
                for (int i = 0; i < 20; i++) {
                    assertThat(producer.send(Messages.message(topic, i, "TagA")).getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }

                Path filler = mount.resolve("filler");
                FileStore fs = Files.getFileStore(mount);
                long used = fs.getTotalSpace() - fs.getUsableSpace();
                fill(filler, (long) (fs.getTotalSpace() * 0.85) - used);

                AtomicReference<MQBrokerException> refusal = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            try {
                                producer.send(Messages.message(topic, 1000, "TagA"));
                                fail("a send was accepted with the disk above the ratio");
                            } catch (Exception e) {
                                refusal.set(brokerCause(e));
                            }
                            return refusal.get() != null;
                        });
                assertThat(refusal.get().getResponseCode()).isEqualTo(ResponseCode.SERVICE_NOT_AVAILABLE);
                assertThat(refusal.get().getErrorMessage()).contains("disk is full");

                consumer.setNamesrvAddr(cluster.namesrvAddr());
                consumer.setInstanceName("disk-full-consumer");
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe(topic, "*");
                consumer.start();
                Map<Integer, MessageExt> got = new ConcurrentHashMap<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (MessageExt m : consumer.poll(500)) {
                        got.put(Messages.seq(m), m);
                    }
                    return got.size() >= 20;
                });
                assertThat(got.keySet())
                        .containsExactlyInAnyOrderElementsOf(
                                java.util.stream.IntStream.range(0, 20).boxed().toList());
                for (MessageExt m : got.values()) {
                    Messages.assertSame(m, Messages.message(topic, Messages.seq(m), "TagA"));
                }

                Files.delete(filler);
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> producer.send(Messages.message(topic, 2000, "TagA"))
                                        .getSendStatus()
                                == SendStatus.SEND_OK);
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
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

    private static void fill(Path file, long bytes) throws Exception {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 7);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long n = 0; n < bytes; n += chunk.length) {
                out.write(chunk);
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
