package io.rocketkube.broker.acl;

import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.HeartbeatData;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.remoting.AclSignature;
import io.rocketkube.client.remoting.RemotingCommand;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one request needs to pass the ACL (RocketMQ 4.9's {@code PlainAccessValidator.parse}): the access key and
 * signature it carries, and the permission it needs on each topic and consumer group it names.
 *
 * <table>
 *   <caption>resources per request code</caption>
 *   <tr><th>request</th><th>needs</th></tr>
 *   <tr><td>SEND_MESSAGE 10, SEND_MESSAGE_V2 310, SEND_BATCH_MESSAGE 320, SEND_REPLY_MESSAGE 324/325</td>
 *       <td>PUB on the topic; to a retry topic {@code %RETRY%g}, SUB on group g</td></tr>
 *   <tr><td>CONSUMER_SEND_MSG_BACK 36</td><td>SUB on the group</td></tr>
 *   <tr><td>PULL_MESSAGE 11, LITE_PULL_MESSAGE 361</td><td>SUB on the topic and on the group</td></tr>
 *   <tr><td>QUERY_MESSAGE 12</td><td>SUB on the topic</td></tr>
 *   <tr><td>RECALL_MESSAGE 370</td><td>PUB on the topic (as RocketMQ 5.3 marks it)</td></tr>
 *   <tr><td>HEART_BEAT 34</td><td>SUB on each consumer group and each topic it subscribes</td></tr>
 *   <tr><td>UNREGISTER_CLIENT 35, GET_CONSUMER_LIST_BY_GROUP 38</td><td>SUB on the consumer group</td></tr>
 *   <tr><td>UPDATE_CONSUMER_OFFSET 15</td><td>SUB on the group and the topic</td></tr>
 *   <tr><td>anything else</td><td>a valid signature only (and admin for the codes of {@link AccessCheck})</td></tr>
 * </table>
 *
 * <p>Wherever a topic is read (pull, query, offset, subscription), a retry topic {@code %RETRY%g} counts as group g,
 * checked against the group's permission, as RocketMQ does.
 *
 * <p>RocketMQ 4.9 checks neither batches, replies nor lite pulls against the topic: a batch to a DENY topic goes
 * through there. Here they are checked as their single forms are. The signed content is RocketMQ's
 * ({@link AclSignature}).
 *
 * @param topics needed permission per topic name
 * @param groups needed permission per consumer group name
 */
public record AccessRequest(
        int code, String accessKey, String signature, Map<String, Byte> topics, Map<String, Byte> groups) {

    /**
     * @throws IllegalArgumentException if a heartbeat body cannot be read (the request is refused then: an ACL that
     *     cannot tell what a request touches must not let it through)
     */
    public static AccessRequest of(RemotingCommand request) {
        Map<String, String> ext = request.extFields();
        Map<String, Byte> topics = new LinkedHashMap<>();
        Map<String, Byte> groups = new LinkedHashMap<>();
        switch (request.code()) {
            case RequestCode.SEND_MESSAGE, RequestCode.SEND_REPLY_MESSAGE ->
                send(ext.get("topic"), ext.get("producerGroup"), topics, groups);
            case RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2 ->
                send(ext.get("b"), ext.get("a"), topics, groups);
            case RequestCode.CONSUMER_SEND_MSG_BACK -> need(groups, ext.get("group"), AclPermission.SUB);
            case RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE -> {
                subscribe(ext.get("topic"), topics, groups);
                need(groups, ext.get("consumerGroup"), AclPermission.SUB);
            }
            case RequestCode.QUERY_MESSAGE -> subscribe(ext.get("topic"), topics, groups);
            case RequestCode.RECALL_MESSAGE -> need(topics, ext.get("topic"), AclPermission.PUB);
            case RequestCode.HEART_BEAT -> heartbeat(request, topics, groups);
            case RequestCode.UNREGISTER_CLIENT, RequestCode.GET_CONSUMER_LIST_BY_GROUP ->
                need(groups, ext.get("consumerGroup"), AclPermission.SUB);
            case RequestCode.UPDATE_CONSUMER_OFFSET -> {
                need(groups, ext.get("consumerGroup"), AclPermission.SUB);
                subscribe(ext.get("topic"), topics, groups);
            }
            default -> {
                // Signature (and admin) only.
            }
        }
        return new AccessRequest(
                request.code(), ext.get(AclSignature.ACCESS_KEY), ext.get(AclSignature.SIGNATURE), topics, groups);
    }

    private static void send(String topic, String producerGroup, Map<String, Byte> topics, Map<String, Byte> groups) {
        if (topic != null && topic.startsWith(TopicNames.RETRY_PREFIX)) {
            // A consumer's own retry send: RocketMQ checks the group the retry topic names.
            need(groups, topic.substring(TopicNames.RETRY_PREFIX.length()), AclPermission.SUB);
        } else {
            need(topics, topic, AclPermission.PUB);
        }
    }

    private static void heartbeat(RemotingCommand request, Map<String, Byte> topics, Map<String, Byte> groups) {
        byte[] body = request.body();
        if (body == null || body.length == 0) {
            return;
        }
        HeartbeatData heartbeat;
        try {
            heartbeat = RemotingJson.decode(body, HeartbeatData.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the heartbeat body cannot be read to check its groups and topics", e);
        }
        for (ConsumerData consumer : heartbeat.consumerDataSet()) {
            need(groups, consumer.groupName(), AclPermission.SUB);
            for (SubscriptionData subscription : consumer.subscriptionDataSet()) {
                subscribe(subscription.topic(), topics, groups);
            }
        }
    }

    /**
     * SUB on a topic a consumer reads; a retry topic {@code %RETRY%g} is group g's, as RocketMQ checks it (against
     * the group's permission, not the topic defaults).
     */
    private static void subscribe(String topic, Map<String, Byte> topics, Map<String, Byte> groups) {
        if (topic != null && topic.startsWith(TopicNames.RETRY_PREFIX)) {
            need(groups, topic.substring(TopicNames.RETRY_PREFIX.length()), AclPermission.SUB);
        } else {
            need(topics, topic, AclPermission.SUB);
        }
    }

    private static void need(Map<String, Byte> resources, String name, byte permission) {
        if (name != null && !name.isEmpty()) {
            resources.merge(name, permission, (a, b) -> (byte) (a | b));
        }
    }
}
