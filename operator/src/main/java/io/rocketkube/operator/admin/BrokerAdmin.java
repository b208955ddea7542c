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
    Set<String> registeredMasters(List<String> nameServers, String clusterName) throws BrokerAdminException;

    /**
     * CommitLog bytes each slave of the group still has to copy from its master, by slave address.
     */
    Map<String, Long> replicationLagBytes(GroupEndpoints group) throws BrokerAdminException;

    /**
     * Every topic on the group's master with its queues' offset ranges and each consumer group's
     * committed offsets, for {@code DrainJudge}. Fails rather than return a partial answer.
     */
    List<TopicBacklog> backlog(GroupEndpoints group) throws BrokerAdminException;

    /**
     * Makes the broker itself refuse sends (brokerPermission read-only, persisted by the broker), so
     * that neither a stale producer route nor a NameServer that relearns the group from its next
     * registration can bring writes back.
     */
    void stopBrokerWrites(String brokerAddress) throws BrokerAdminException;

    /** Undoes {@link #stopBrokerWrites} (brokerPermission read-write). */
    void restoreBrokerWrites(String brokerAddress) throws BrokerAdminException;

    /** Tells every NameServer to route no more sends to the group; reads continue. */
    void wipeWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException;

    /** Undoes {@link #wipeWritePermission} when a draining group is wanted again. */
    void addWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException;
}
