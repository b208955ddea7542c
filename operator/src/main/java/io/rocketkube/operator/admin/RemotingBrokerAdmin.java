package io.rocketkube.operator.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.BrokerData;
import io.rocketkube.client.protocol.ClusterInfo;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.client.remoting.AclSignature;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link BrokerAdmin} over the remoting protocol, with the requests mqadmin uses
 * (docs/protocol.md §5.1, §5.11): GET_BROKER_CLUSTER_INFO for registration,
 * GET_BROKER_RUNTIME_INFO for CommitLog offsets, GET_ALL_TOPIC_CONFIG, GET_ALL_CONSUMER_OFFSET,
 * GET_MAX_OFFSET and GET_MIN_OFFSET (and GET_ALL_DELAY_OFFSET) for a draining group's backlog,
 * UPDATE_BROKER_CONFIG {@code brokerPermission} at the broker, and WIPE/ADD_WRITE_PERM_OF_BROKER
 * at each NameServer.
 *
 * <p>Requests to a broker whose cluster has an ACL are signed with its admin account ({@link BrokerCredentials}).
 *
 * <p>Thread-safe: the remoting client multiplexes calls from all reconciler threads over one
 * connection per address.
 */
public final class RemotingBrokerAdmin implements BrokerAdmin, AutoCloseable {

    static final String COMMIT_LOG_MAX_OFFSET = "commitLogMaxOffset";
    static final String SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";
    /** The pseudo consumer group standing for the broker's delivery of delayed messages. */
    public static final String SCHEDULED_DELIVERY = "(scheduled delivery)";

    static final String BROKER_PERMISSION = "brokerPermission";
    /** PermName: 4 = readable, 2 = writeable. */
    static final int PERM_READ = 4;

    static final int PERM_READ_WRITE = 6;
    private static final TypeReference<Map<String, Map<String, Map<String, Long>>>> OFFSETS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Map<String, Long>>> DELAY_OFFSETS = new TypeReference<>() {};

    private final RemotingClient client;
    private final long timeoutMillis;
    private final BrokerCredentials credentials;

    /** An admin that signs nothing: for brokers without an ACL. */
    public RemotingBrokerAdmin(RemotingClient client, Duration timeout) {
        this(client, timeout, new BrokerCredentials());
    }

    /** An admin that signs each request to a broker address {@code credentials} has keys for. */
    public RemotingBrokerAdmin(RemotingClient client, Duration timeout, BrokerCredentials credentials) {
        this.client = client;
        this.timeoutMillis = timeout.toMillis();
        this.credentials = credentials;
    }

    @Override
    public Set<String> registeredMasters(List<String> nameServers, String clusterName) throws BrokerAdminException {
        Set<String> registered = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (String nameServer : nameServers) {
            try {
                ClusterInfo info = decode(
                        call(nameServer, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO)),
                        ClusterInfo.class,
                        nameServer);
                Set<String> names = info.clusterAddrTable() == null
                        ? Set.of()
                        : info.clusterAddrTable().getOrDefault(clusterName, Set.of());
                for (String name : names) {
                    BrokerData data = info.brokerAddrTable() == null
                            ? null
                            : info.brokerAddrTable().get(name);
                    if (data != null
                            && data.brokerAddrs() != null
                            && data.brokerAddrs().containsKey(0L)) {
                        registered.add(name);
                    }
                }
            } catch (BrokerAdminException e) {
                failures.add(e.getMessage());
            }
        }
        // Registration with any one NameServer is enough for clients to find a broker; only when no
        // NameServer answers is the answer unknown.
        if (!nameServers.isEmpty() && failures.size() == nameServers.size()) {
            throw new BrokerAdminException(
                    "no NameServer answered GET_BROKER_CLUSTER_INFO: " + String.join("; ", failures));
        }
        return registered;
    }

    @Override
    public Map<String, Long> replicationLagBytes(GroupEndpoints group) throws BrokerAdminException {
        if (group.masterAddress() == null) {
            throw new BrokerAdminException("master of " + group.brokerName() + " has no address");
        }
        long master = commitLogMaxOffset(group.masterAddress());
        Map<String, Long> lag = new LinkedHashMap<>();
        for (String slave : group.slaveAddresses()) {
            lag.put(slave, Math.max(0, master - commitLogMaxOffset(slave)));
        }
        return lag;
    }

    @Override
    public List<TopicBacklog> backlog(GroupEndpoints group) throws BrokerAdminException {
        String master = group.masterAddress();
        if (master == null) {
            throw new BrokerAdminException("master of " + group.brokerName() + " has no address");
        }
        TopicConfigSerializeWrapper topics = decode(
                call(master, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG)),
                TopicConfigSerializeWrapper.class,
                master);
        Map<String, Map<String, Map<Integer, Long>>> committed = committedOffsets(master);
        List<TopicBacklog> result = new ArrayList<>();
        for (TopicConfig topic : topics.topicConfigTable().values()) {
            String name = topic.topicName();
            Map<Integer, TopicBacklog.QueueRange> queues = new TreeMap<>();
            int count = Math.max(topic.readQueueNums(), topic.writeQueueNums());
            boolean stores = false;
            for (int queue = 0; queue < count; queue++) {
                long max = queueOffset(master, RequestCode.GET_MAX_OFFSET, name, queue);
                // An empty queue needs no second call: nothing was ever written to it.
                long min = max == 0 ? 0 : queueOffset(master, RequestCode.GET_MIN_OFFSET, name, queue);
                queues.put(queue, new TopicBacklog.QueueRange(min, max));
                stores |= max > min;
            }
            Map<String, Map<Integer, Long>> groups = committed.getOrDefault(name, Map.of());
            if (SCHEDULE_TOPIC.equals(name) && stores) {
                groups = scheduledDelivery(master);
            }
            result.add(new TopicBacklog(name, queues, groups));
        }
        return result;
    }

    @Override
    public void stopBrokerWrites(String brokerAddress) throws BrokerAdminException {
        call(
                brokerAddress,
                RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG)
                        .withBody(BROKER_PERMISSION + "=" + PERM_READ + "\n"));
    }

    @Override
    public void restoreBrokerWrites(String brokerAddress) throws BrokerAdminException {
        call(
                brokerAddress,
                RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG)
                        .withBody(BROKER_PERMISSION + "=" + PERM_READ_WRITE + "\n"));
    }

    /** GET_ALL_CONSUMER_OFFSET's {@code topic@group} table, regrouped by topic then group. */
    private Map<String, Map<String, Map<Integer, Long>>> committedOffsets(String broker) throws BrokerAdminException {
        Map<String, Map<String, Map<String, Long>>> body =
                decode(call(broker, RemotingCommand.request(RequestCode.GET_ALL_CONSUMER_OFFSET)), OFFSETS, broker);
        Map<String, Map<String, Map<Integer, Long>>> byTopic = new HashMap<>();
        for (Map.Entry<String, Map<String, Long>> entry :
                body.getOrDefault("offsetTable", Map.of()).entrySet()) {
            // Topic names may not hold '@' but group names are checked less strictly: split at the first.
            int at = entry.getKey().indexOf('@');
            if (at <= 0 || entry.getValue() == null) {
                continue;
            }
            Map<Integer, Long> queues = new TreeMap<>();
            entry.getValue().forEach((queue, offset) -> queues.put(Integer.valueOf(queue), offset));
            byTopic.computeIfAbsent(entry.getKey().substring(0, at), t -> new HashMap<>())
                    .put(entry.getKey().substring(at + 1), queues);
        }
        return byTopic;
    }

    /**
     * Delayed messages are "consumed" by the broker's own delivery, one queue per delay level, and its
     * progress is GET_ALL_DELAY_OFFSET's {@code level -> offset} (queue id = level - 1). A broker that
     * does not serve it leaves the schedule topic without a consumer, which blocks the drain: its
     * undelivered messages would be lost.
     */
    private Map<String, Map<Integer, Long>> scheduledDelivery(String broker) {
        try {
            Map<String, Map<String, Long>> body = decode(
                    call(broker, RemotingCommand.request(RequestCode.GET_ALL_DELAY_OFFSET)), DELAY_OFFSETS, broker);
            Map<Integer, Long> queues = new TreeMap<>();
            body.getOrDefault("offsetTable", Map.of())
                    .forEach((level, offset) -> queues.put(Integer.parseInt(level) - 1, offset));
            return Map.of(SCHEDULED_DELIVERY, queues);
        } catch (BrokerAdminException | NumberFormatException e) {
            return Map.of();
        }
    }

    @Override
    public void wipeWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException {
        toEach(nameServers, RequestCode.WIPE_WRITE_PERM_OF_BROKER, brokerName);
    }

    @Override
    public void addWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException {
        toEach(nameServers, RequestCode.ADD_WRITE_PERM_OF_BROKER, brokerName);
    }

    @Override
    public void close() {
        client.close();
    }

    /** Sends to every NameServer even when one fails, so that the others still stop routing. */
    private void toEach(List<String> nameServers, int code, String brokerName) throws BrokerAdminException {
        List<String> failures = new ArrayList<>();
        for (String nameServer : nameServers) {
            try {
                call(nameServer, RemotingCommand.request(code).withExtField("brokerName", brokerName));
            } catch (BrokerAdminException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new BrokerAdminException(String.join("; ", failures));
        }
    }

    private long commitLogMaxOffset(String broker) throws BrokerAdminException {
        KVTable table = decode(
                call(broker, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO)), KVTable.class, broker);
        String value = table.table() == null ? null : table.table().get(COMMIT_LOG_MAX_OFFSET);
        if (value == null) {
            throw new BrokerAdminException(broker + " reported no " + COMMIT_LOG_MAX_OFFSET);
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BrokerAdminException(broker + " reported " + COMMIT_LOG_MAX_OFFSET + "=" + value);
        }
    }

    private long queueOffset(String broker, int code, String topic, int queueId) throws BrokerAdminException {
        RemotingCommand response = call(
                broker,
                RemotingCommand.request(code)
                        .withExtField("topic", topic)
                        .withExtField("queueId", Integer.toString(queueId)));
        String offset = response.extField("offset");
        try {
            return Long.parseLong(offset);
        } catch (NumberFormatException e) {
            throw new BrokerAdminException(broker + " answered request " + code + " for " + topic + ":" + queueId
                    + " without a numeric offset (" + offset + ")");
        }
    }

    private RemotingCommand call(String address, RemotingCommand request) throws BrokerAdminException {
        credentials.forAddress(address).ifPresent(c -> AclSignature.sign(request, c.accessKey(), c.secretKey()));
        RemotingCommand response;
        try {
            response = client.invokeSync(address, request, timeoutMillis);
        } catch (RemotingException e) {
            throw new BrokerAdminException(
                    "request " + request.code() + " to " + address + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerAdminException("interrupted while calling " + address, e);
        }
        if (response.code() != ResponseCode.SUCCESS) {
            throw new BrokerAdminException("request " + request.code() + " to " + address
                    + " answered code " + response.code()
                    + (response.remark() == null ? "" : ": " + response.remark()));
        }
        return response;
    }

    private static <T> T decode(RemotingCommand response, Class<T> type, String from) throws BrokerAdminException {
        return decode(response, RemotingJson.mapper().constructType(type), from);
    }

    private static <T> T decode(RemotingCommand response, TypeReference<T> type, String from)
            throws BrokerAdminException {
        return decode(response, RemotingJson.mapper().getTypeFactory().constructType(type), from);
    }

    private static <T> T decode(RemotingCommand response, com.fasterxml.jackson.databind.JavaType type, String from)
            throws BrokerAdminException {
        byte[] body = response.body();
        if (body == null || body.length == 0) {
            throw new BrokerAdminException(from + " answered with no body");
        }
        try {
            return RemotingJson.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new BrokerAdminException(from + " sent a body that is not valid JSON: " + e.getMessage(), e);
        }
    }
}
