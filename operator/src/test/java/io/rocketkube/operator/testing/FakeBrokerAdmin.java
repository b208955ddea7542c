package io.rocketkube.operator.testing;

import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for the brokers and NameServers. Groups are registered by the
 * {@link WorkloadSimulator} when their master becomes ready; tests set lag and unconsumed messages
 * per broker name, and read back the permission calls made.
 */
public class FakeBrokerAdmin implements BrokerAdmin {

  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Set<String> neverRegister = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lag = new ConcurrentHashMap<>();
  private final Map<String, Long> unconsumed = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean down;

  /** Called by the simulator when a master pod is ready. */
  public void masterReady(String brokerName) {
    if (!neverRegister.contains(brokerName)) {
      registered.add(brokerName);
    }
  }

  public void masterGone(String brokerName) {
    registered.remove(brokerName);
  }

  public void neverRegister(String brokerName) {
    neverRegister.add(brokerName);
    registered.remove(brokerName);
  }

  public void allowRegister(String brokerName) {
    neverRegister.remove(brokerName);
  }

  public void setLag(String brokerName, long bytes) {
    lag.put(brokerName, bytes);
  }

  public void setUnconsumed(String brokerName, long messages) {
    unconsumed.put(brokerName, messages);
  }

  public void setDown(boolean down) {
    this.down = down;
  }

  /** Every permission call, as "wipe:&lt;broker&gt;" or "add:&lt;broker&gt;". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public Set<String> registeredMasters(List<String> nameServers, String clusterName)
      throws BrokerAdminException {
    check();
    Set<String> mine = new HashSet<>();
    for (String name : registered) {
      if (name.startsWith(clusterName + "-broker-")) {
        mine.add(name);
      }
    }
    return mine;
  }

  @Override
  public Map<String, Long> replicationLagBytes(GroupEndpoints group) throws BrokerAdminException {
    check();
    Map<String, Long> result = new LinkedHashMap<>();
    for (String slave : group.slaveAddresses()) {
      result.put(slave, lag.getOrDefault(group.brokerName(), 0L));
    }
    return result;
  }

  @Override
  public long unconsumedMessages(GroupEndpoints group) throws BrokerAdminException {
    check();
    return unconsumed.getOrDefault(group.brokerName(), 0L);
  }

  @Override
  public void wipeWritePermission(List<String> nameServers, String brokerName)
      throws BrokerAdminException {
    check();
    calls.add("wipe:" + brokerName);
  }

  @Override
  public void addWritePermission(List<String> nameServers, String brokerName)
      throws BrokerAdminException {
    check();
    calls.add("add:" + brokerName);
  }

  private void check() throws BrokerAdminException {
    if (down) {
      throw new BrokerAdminException("fake admin is down");
    }
  }
}
