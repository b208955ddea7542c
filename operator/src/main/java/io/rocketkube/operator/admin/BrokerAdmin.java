package io.rocketkube.operator.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the operator asks of the brokers and NameServers it runs. Every method may be slow or fail;
 * callers treat a failure as "unknown" and wait rather than act on a guess.
 */
public interface BrokerAdmin {

  /**
   * Broker names of {@code clusterName} whose master (broker id 0) is registered with at least one
   * of the NameServers.
   *
   * @param nameServers {@code host:port} of each NameServer
   */
  Set<String> registeredMasters(List<String> nameServers, String clusterName)
      throws BrokerAdminException;

  /**
   * CommitLog bytes each slave of the group still has to copy from its master, by slave address.
   */
  Map<String, Long> replicationLagBytes(GroupEndpoints group) throws BrokerAdminException;

  /**
   * Messages stored on the group's master that its consumer groups have not consumed yet, summed
   * over every consumer group and queue.
   */
  long unconsumedMessages(GroupEndpoints group) throws BrokerAdminException;

  /** Tells every NameServer to route no more sends to the group; reads continue. */
  void wipeWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException;

  /** Undoes {@link #wipeWritePermission} when a draining group is wanted again. */
  void addWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException;
}
