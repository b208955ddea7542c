package io.rocketkube.e2e.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The 5.3.3 client line: what the shared scenarios (e2e/compat-scenarios) need that the 4.9.8 line
 * spells differently (the protocol classes moved to {@code org.apache.rocketmq.remoting.protocol}).
 * compat-v4 has a class of the same name for its line; each module compiles the shared sources
 * against its own.
 */
public final class ClientLine {

    public static final int TOPIC_NOT_EXIST = ResponseCode.TOPIC_NOT_EXIST;
    public static final int QUERY_NOT_FOUND = ResponseCode.QUERY_NOT_FOUND;

    private ClientLine() {}

    /** 5.3.3 argument orders: (addrs, clusterName, topic) and (addrs, topic), the latter without a cluster. */
    public static void deleteTopicInNameServer(
            DefaultMQAdminExt admin, Set<String> addrs, String topic, String clusterOrNull) throws Exception {
        if (clusterOrNull == null) {
            admin.deleteTopicInNameServer(addrs, topic);
        } else {
            admin.deleteTopicInNameServer(addrs, clusterOrNull, topic);
        }
    }

    /**
     * A fresh producer's first send while one of the NameServers it lists is dead. Unlike 4.9.8, the
     * 5.3.3 client fails a route lookup ("connect to null") while its choice is the dead NameServer,
     * and recovers once its availability scan (every few seconds) drops it: that happens the same
     * against the Apache NameServer, so the first send may be retried.
     */
    public static void firstSendWithADeadNamesrvListed(DefaultMQProducer producer, Message message, int round) {
        await("first send of producer " + round)
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .pollInterval(Duration.ofMillis(500))
                .until(() -> producer.send(message).getSendStatus() == SendStatus.SEND_OK);
    }
}
