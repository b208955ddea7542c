package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.PullTransferCaps;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code suggestWhichBrokerId} in PULL_MESSAGE answers, over raw frames: a master with slave reads sends a
 * consumer far behind to the slave; a slave sends consumers back to its live master (retrying at once when it
 * has nothing), and keeps them while the master is gone.
 */
@Timeout(120)
class SlaveReadTest {
    static final String TOPIC = "T_SLAVE_READ";
    static final String GROUP = "CG_SLAVE_READ";
    /** 40 % of it is 4000 bytes: with 60 records of ~200 bytes the first ones are "on disk". */
    static final long MEMORY = 10_000;

    @TempDir
    Path dir;

    MasterSlave pair;
    RemotingClient raw;
    DefaultMQProducer producer;
    MessageQueue queue;

    @BeforeEach
    void start() throws Exception {
        pair = new MasterSlave(
                dir,
                s -> s.withPullCaps(PullTransferCaps.defaults().withPhysicalMemoryBytes(MEMORY))
                        .withSlave(s.slave().withSlaveReadEnable(true)));
        raw = new RemotingClient(RemotingClientConfig.defaults());
        producer = new DefaultMQProducer("PG_SLAVE_READ");
        producer.setNamesrvAddr(pair.namesrvAddr());
        producer.setInstanceName("slave-read-test");
        producer.start();
        for (int i = 0; i < 60; i++) {
            Message m = Messages.message(TOPIC, i, "TagA");
            if (queue == null) {
                queue = producer.send(m).getMessageQueue();
            } else {
                assertThat(producer.send(m, queue).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> raw.invokeSync(
                                        pair.slaveAddr(),
                                        RemotingCommand.request(RequestCode.GET_TOPIC_CONFIG)
                                                .withExtField("topic", TOPIC),
                                        5000)
                                .code()
                        == ResponseCode.SUCCESS);
        pair.replicate();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> pair.slaveStore().maxOffset(TOPIC, queue.getQueueId()) == 60);
    }

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (raw != null) {
            raw.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    RemotingCommand pull(String addr, long offset) throws Exception {
        RemotingCommand request = pullRequest(offset, false);
        RemotingCommand response = raw.invokeSync(addr, request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }

    RemotingCommand pullRequest(long offset, boolean mayBeHeld) {
        return RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .withExtFields(Map.of(
                        "consumerGroup",
                        GROUP,
                        "topic",
                        TOPIC,
                        "queueId",
                        String.valueOf(queue.getQueueId()),
                        "queueOffset",
                        String.valueOf(offset),
                        "maxMsgNums",
                        "1",
                        "sysFlag",
                        mayBeHeld ? "6" : "4",
                        "commitOffset",
                        "0",
                        "suspendTimeoutMillis",
                        mayBeHeld ? "60000" : "0",
                        "subscription",
                        "*",
                        "subVersion",
                        "0"));
    }

    @Test
    void aMasterWithSlaveReadsSendsAConsumerFarBehindToTheSlaveAndOneCaughtUpToItself() throws Exception {
        RemotingCommand behind = pull(pair.masterAddr(), 0);
        assertThat(behind.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(behind.extField("suggestWhichBrokerId")).isEqualTo("1");

        RemotingCommand caughtUp = pull(pair.masterAddr(), 59);
        assertThat(caughtUp.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(caughtUp.extField("suggestWhichBrokerId")).isEqualTo("0");
    }

    @Test
    void aSlaveSendsConsumersBackToItsLiveMasterAndKeepsThemOnceTheMasterIsGone() throws Exception {
        RemotingCommand found = pull(pair.slaveAddr(), 59);
        assertThat(found.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(found.extField("suggestWhichBrokerId")).isEqualTo("0");
        // Nothing more here: ask the master at once rather than wait on a slave that may lag it.
        RemotingCommand atEnd = pull(pair.slaveAddr(), 60);
        assertThat(atEnd.code()).isEqualTo(ResponseCode.PULL_RETRY_IMMEDIATELY);
        assertThat(atEnd.extField("suggestWhichBrokerId")).isEqualTo("0");
        // Far behind on the slave with slave reads: stay on the slave.
        RemotingCommand behind = pull(pair.slaveAddr(), 0);
        assertThat(behind.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(behind.extField("suggestWhichBrokerId")).isEqualTo("1");

        // A pull that may be held waits on the slave for what arrives next, then points at the master: a
        // consumer that does not know the master yet would otherwise ask the slave again at once, in a loop.
        CompletableFuture<RemotingCommand> held = raw.invokeAsync(pair.slaveAddr(), pullRequest(60, true), 30_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> pair.slave().heldPullCount() == 1 || held.isDone());
        assertThat(held).as("answered before anything arrived").isNotDone();
        assertThat(producer.send(Messages.message(TOPIC, 60, "TagA"), queue).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        RemotingCommand woken = held.get(10, TimeUnit.SECONDS);
        assertThat(woken.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(woken.extField("suggestWhichBrokerId")).isEqualTo("0");
        assertThat(woken.extField("nextBeginOffset")).isEqualTo("61");

        pair.stopMaster();
        // Before its next registration (30 s) tells it the master is gone: the HA connection's loss already has,
        // so a consumer at the end is kept rather than sent back to a dead master over and over.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> pull(pair.slaveAddr(), 61).code() == ResponseCode.PULL_NOT_FOUND);
        pair.slave().registerNow();
        assertThat(pull(pair.slaveAddr(), 61).code()).isEqualTo(ResponseCode.PULL_NOT_FOUND);
        assertThat(pull(pair.slaveAddr(), 60).code()).isEqualTo(ResponseCode.SUCCESS);
    }
}
