package io.rocketkube.e2e.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The 4.9.8 client line: what the shared scenarios (e2e/compat-scenarios) need that the 5.3.3 line
 * spells differently. compat-v5 has a class of the same name for its line; each module compiles the
 * shared sources against its own.
 */
public final class ClientLine {

    public static final int TOPIC_NOT_EXIST = ResponseCode.TOPIC_NOT_EXIST;
    public static final int QUERY_NOT_FOUND = ResponseCode.QUERY_NOT_FOUND;

    private ClientLine() {}

    /** 4.9.8 argument order: (addrs, topic, clusterName); a null cluster deletes the topic outright. */
    public static void deleteTopicInNameServer(
            DefaultMQAdminExt admin, Set<String> addrs, String topic, String clusterOrNull) throws Exception {
        admin.deleteTopicInNameServer(addrs, topic, clusterOrNull);
    }

    /**
     * A fresh producer's first send while one of the NameServers it lists is dead: the 4.9.8 client
     * moves on to the next NameServer within the same call, so it must succeed at once.
     */
    public static void firstSendWithADeadNamesrvListed(DefaultMQProducer producer, Message message, int round)
            throws Exception {
        assertThat(producer.send(message).getSendStatus())
                .as("first send of producer %d", round)
                .isEqualTo(SendStatus.SEND_OK);
    }
}
