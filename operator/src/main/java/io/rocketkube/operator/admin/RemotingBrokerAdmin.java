package io.rocketkube.operator.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.BrokerData;
import io.rocketkube.client.protocol.ClusterInfo;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
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

/**
 * {@link BrokerAdmin} over the remoting protocol, with the requests mqadmin uses
 * (remoting-protocol.md §5.1, §5.11): GET_BROKER_CLUSTER_INFO for registration,
 * GET_BROKER_RUNTIME_INFO for CommitLog offsets, GET_ALL_CONSUMER_OFFSET with GET_MAX_OFFSET for
 * consumer lag, and WIPE/ADD_WRITE_PERM_OF_BROKER at each NameServer.
 *
 * <p>Thread-safe: the remoting client multiplexes calls from all reconciler threads over one
 * connection per address.
 */
public final class RemotingBrokerAdmin implements BrokerAdmin, AutoCloseable {

  static final String COMMIT_LOG_MAX_OFFSET = "commitLogMaxOffset";
  private static final TypeReference<Map<String, Map<String, Map<String, Long>>>> OFFSETS =
      new TypeReference<>() { };

  private final RemotingClient client;
  private final long timeoutMillis;

  public RemotingBrokerAdmin(RemotingClient client, Duration timeout) {
    this.client = client;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Set<String> registeredMasters(List<String> nameServers, String clusterName)
      throws BrokerAdminException {
    Set<String> registered = new HashSet<>();
    List<String> failures = new ArrayList<>();
    for (String nameServer : nameServers) {
      try {
        ClusterInfo info = decode(call(nameServer,
            RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO)), ClusterInfo.class,
            nameServer);
        Set<String> names = info.clusterAddrTable() == null ? Set.of()
            : info.clusterAddrTable().getOrDefault(clusterName, Set.of());
        for (String name : names) {
          BrokerData data = info.brokerAddrTable() == null ? null : info.brokerAddrTable().get(name);
          if (data != null && data.brokerAddrs() != null && data.brokerAddrs().containsKey(0L)) {
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
      throw new BrokerAdminException("no NameServer answered GET_BROKER_CLUSTER_INFO: "
          + String.join("; ", failures));
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
  public long unconsumedMessages(GroupEndpoints group) throws BrokerAdminException {
    String master = group.masterAddress();
    if (master == null) {
      throw new BrokerAdminException("master of " + group.brokerName() + " has no address");
    }
    RemotingCommand response = call(master,
        RemotingCommand.request(RequestCode.GET_ALL_CONSUMER_OFFSET));
    Map<String, Map<String, Map<String, Long>>> body = decode(response, OFFSETS, master);
    Map<String, Map<String, Long>> table = body.getOrDefault("offsetTable", Map.of());
    Map<String, Long> maxOffsets = new HashMap<>();
    long remaining = 0;
    for (Map.Entry<String, Map<String, Long>> entry : table.entrySet()) {
      int at = entry.getKey().lastIndexOf('@');
      if (at <= 0) {
        continue;
      }
      String topic = entry.getKey().substring(0, at);
      for (Map.Entry<String, Long> queue : entry.getValue().entrySet()) {
        // Several consumer groups read the same queue; ask for its max offset once.
        String key = topic + "#" + queue.getKey();
        Long max = maxOffsets.get(key);
        if (max == null) {
          max = maxOffset(master, topic, queue.getKey());
          maxOffsets.put(key, max);
        }
        remaining += Math.max(0, max - queue.getValue());
      }
    }
    return remaining;
  }

  @Override
  public void wipeWritePermission(List<String> nameServers, String brokerName)
      throws BrokerAdminException {
    toEach(nameServers, RequestCode.WIPE_WRITE_PERM_OF_BROKER, brokerName);
  }

  @Override
  public void addWritePermission(List<String> nameServers, String brokerName)
      throws BrokerAdminException {
    toEach(nameServers, RequestCode.ADD_WRITE_PERM_OF_BROKER, brokerName);
  }

  @Override
  public void close() {
    client.close();
  }

  /** Sends to every NameServer even when one fails, so that the others still stop routing. */
  private void toEach(List<String> nameServers, int code, String brokerName)
      throws BrokerAdminException {
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
    KVTable table = decode(call(broker,
        RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO)), KVTable.class, broker);
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

  private long maxOffset(String broker, String topic, String queueId) throws BrokerAdminException {
    RemotingCommand response = call(broker, RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
        .withExtField("topic", topic).withExtField("queueId", queueId));
    String offset = response.extField("offset");
    if (offset == null) {
      throw new BrokerAdminException(broker + " answered GET_MAX_OFFSET for " + topic + ":"
          + queueId + " without an offset");
    }
    return Long.parseLong(offset);
  }

  private RemotingCommand call(String address, RemotingCommand request)
      throws BrokerAdminException {
    RemotingCommand response;
    try {
      response = client.invokeSync(address, request, timeoutMillis);
    } catch (RemotingException e) {
      throw new BrokerAdminException("request " + request.code() + " to " + address + " failed: "
          + e.getMessage(), e);
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

  private static <T> T decode(RemotingCommand response, Class<T> type, String from)
      throws BrokerAdminException {
    return decode(response, RemotingJson.mapper().constructType(type), from);
  }

  private static <T> T decode(RemotingCommand response, TypeReference<T> type, String from)
      throws BrokerAdminException {
    return decode(response, RemotingJson.mapper().getTypeFactory().constructType(type), from);
  }

  private static <T> T decode(RemotingCommand response, com.fasterxml.jackson.databind.JavaType type,
      String from) throws BrokerAdminException {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      throw new BrokerAdminException(from + " answered with no body");
    }
    try {
      return RemotingJson.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new BrokerAdminException(from + " sent a body that is not valid JSON: "
          + e.getMessage(), e);
    }
  }
}
