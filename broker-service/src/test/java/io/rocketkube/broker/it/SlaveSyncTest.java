package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.TypeReference;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentMap;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.protocol.body.SubscriptionGroupWrapper;
import org.apache.rocketmq.common.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata sync (RocketMQ's SlaveSynchronize): the slave copies its master's topics, subscription groups and
 * consumer offsets, keeps them across its own restart, never lets a master that came back with older offsets
 * overwrite what consumers committed on the slave meanwhile, and our master's bodies decode with the 4.9
 * classes an Apache slave uses.
 */
@Timeout(120)
class SlaveSyncTest {
    static final String TOPIC = "T_SYNC";
    static final String GROUP = "CG_SYNC";
    static final Duration SYNCED = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    MasterSlave pair;
    RemotingClient raw;
    DefaultMQAdminExt admin;

    @BeforeEach
    void start() throws Exception {
        pair = new MasterSlave(dir);
        raw = new RemotingClient(RemotingClientConfig.defaults());
        admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(pair.namesrvAddr());
        admin.setInstanceName("slave-sync-test");
        admin.start();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        if (raw != null) {
            raw.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    void createOnMaster(String topic, int queues) throws Exception {
        TopicConfig topicConfig = new TopicConfig(topic, queues, queues, 6);
        admin.createAndUpdateTopicConfig(pair.masterAddr(), topicConfig);
    }

    void createGroupOnMaster(String group, int retryMaxTimes) throws Exception {
        SubscriptionGroupConfig config = new SubscriptionGroupConfig();
        config.setGroupName(group);
        config.setRetryMaxTimes(retryMaxTimes);
        admin.createAndUpdateSubscriptionGroupConfig(pair.masterAddr(), config);
    }

    void commit(String addr, int queueId, long offset) throws Exception {
        RemotingCommand r = raw.invokeSync(
                addr,
                RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                        .withExtField("consumerGroup", GROUP)
                        .withExtField("topic", TOPIC)
                        .withExtField("queueId", queueId)
                        .withExtField("commitOffset", offset),
                5000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
    }

    OptionalLong committed(String addr, int queueId) throws Exception {
        RemotingCommand r = raw.invokeSync(
                addr,
                RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                        .withExtField("consumerGroup", GROUP)
                        .withExtField("topic", TOPIC)
                        .withExtField("queueId", queueId)
                        .withExtField("setZeroIfNotFound", false),
                5000);
        return r.code() == ResponseCode.SUCCESS
                ? OptionalLong.of(Long.parseLong(r.extField("offset")))
                : OptionalLong.empty();
    }

    TopicConfigSerializeWrapper topicsOf(String addr) throws Exception {
        return TopicConfigSerializeWrapper.decode(
                body(addr, RequestCode.GET_ALL_TOPIC_CONFIG), TopicConfigSerializeWrapper.class);
    }

    SubscriptionGroupWrapper groupsOf(String addr) throws Exception {
        return SubscriptionGroupWrapper.decode(
                body(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG), SubscriptionGroupWrapper.class);
    }

    byte[] body(String addr, int code) throws Exception {
        RemotingCommand r = raw.invokeSync(addr, RemotingCommand.request(code), 5000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return r.body();
    }

    @Test
    void topicsGroupsAndOffsetsOfTheMasterReachTheSlaveAndSurviveItsRestart() throws Exception {
        createOnMaster(TOPIC, 8);
        createGroupOnMaster(GROUP, 5);
        commit(pair.masterAddr(), 0, 5);
        commit(pair.masterAddr(), 3, 9);

        await().atMost(SYNCED).untilAsserted(() -> {
            assertThat(topicsOf(pair.slaveAddr()).getTopicConfigTable()).containsKey(TOPIC);
            assertThat(groupsOf(pair.slaveAddr()).getSubscriptionGroupTable()).containsKey(GROUP);
            assertThat(committed(pair.slaveAddr(), 3)).hasValue(9);
        });
        TopicConfigSerializeWrapper onSlave = topicsOf(pair.slaveAddr());
        TopicConfigSerializeWrapper onMaster = topicsOf(pair.masterAddr());
        assertThat(onSlave.getTopicConfigTable().get(TOPIC))
                .isEqualTo(onMaster.getTopicConfigTable().get(TOPIC));
        assertThat(onSlave.getDataVersion()).isEqualTo(onMaster.getDataVersion());
        assertThat(groupsOf(pair.slaveAddr())
                        .getSubscriptionGroupTable()
                        .get(GROUP)
                        .getRetryMaxTimes())
                .isEqualTo(5);
        assertThat(committed(pair.slaveAddr(), 0)).hasValue(5);

        // Persisted: the slave restarted without its master still has all of it.
        pair.stopMaster();
        pair.stopSlave();
        pair.startSlave();
        assertThat(topicsOf(pair.slaveAddr()).getTopicConfigTable().get(TOPIC).getReadQueueNums())
                .isEqualTo(8);
        assertThat(groupsOf(pair.slaveAddr())
                        .getSubscriptionGroupTable()
                        .get(GROUP)
                        .getRetryMaxTimes())
                .isEqualTo(5);
        assertThat(committed(pair.slaveAddr(), 3)).hasValue(9);
    }

    @Test
    void offsetsCommittedOnTheSlaveWhileTheMasterWasDownSurviveTheMastersReturnWithOlderOnes() throws Exception {
        createOnMaster(TOPIC, 4);
        commit(pair.masterAddr(), 0, 5);
        await().atMost(SYNCED).until(() -> committed(pair.slaveAddr(), 0).equals(OptionalLong.of(5)));

        pair.stopMaster();
        commit(pair.slaveAddr(), 0, 12);
        pair.startMaster();
        assertThat(committed(pair.masterAddr(), 0)).hasValue(5);
        // A topic created on the returned master marks a sync run that also saw its older offsets.
        createOnMaster("T_SYNC_MARK", 1);
        await().atMost(SYNCED)
                .until(() -> topicsOf(pair.slaveAddr()).getTopicConfigTable().containsKey("T_SYNC_MARK"));
        createOnMaster("T_SYNC_MARK2", 1);
        await().atMost(SYNCED)
                .until(() -> topicsOf(pair.slaveAddr()).getTopicConfigTable().containsKey("T_SYNC_MARK2"));
        assertThat(committed(pair.slaveAddr(), 0)).hasValue(12);

        // The master moving past it wins again.
        commit(pair.masterAddr(), 0, 20);
        await().atMost(SYNCED).until(() -> committed(pair.slaveAddr(), 0).equals(OptionalLong.of(20)));
    }

    /** ConsumerOffsetSerializeWrapper lives in rocketmq-broker; its fastjson shape, for decoding. */
    @Test
    void ourMastersMetadataBodiesDecodeWithTheReferenceSlavesClasses() throws Exception {
        createOnMaster(TOPIC, 4);
        createGroupOnMaster(GROUP, 7);
        commit(pair.masterAddr(), 2, 42);

        TopicConfigSerializeWrapper topics = topicsOf(pair.masterAddr());
        assertThat(topics.getDataVersion().getCounter().get()).isPositive();
        TopicConfig topic = topics.getTopicConfigTable().get(TOPIC);
        assertThat(topic.getReadQueueNums()).isEqualTo(4);
        assertThat(topic.getWriteQueueNums()).isEqualTo(4);
        assertThat(topic.getPerm()).isEqualTo(6);

        SubscriptionGroupWrapper groups = groupsOf(pair.masterAddr());
        assertThat(groups.getDataVersion().getCounter().get()).isPositive();
        assertThat(groups.getSubscriptionGroupTable().get(GROUP).getRetryMaxTimes())
                .isEqualTo(7);

        String offsets =
                new String(body(pair.masterAddr(), RequestCode.GET_ALL_CONSUMER_OFFSET), StandardCharsets.UTF_8);
        Map<String, ConcurrentMap<String, ConcurrentMap<Integer, Long>>> wrapper = JSON.parseObject(
                offsets, new TypeReference<Map<String, ConcurrentMap<String, ConcurrentMap<Integer, Long>>>>() {});
        assertThat(wrapper.get("offsetTable").get(TOPIC + "@" + GROUP)).containsEntry(2, 42L);
    }
}
