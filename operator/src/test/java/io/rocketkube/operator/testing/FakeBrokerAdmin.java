package io.rocketkube.operator.testing;

import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.admin.TopicBacklog;
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
 * (or whole backlogs) per broker name, and read back the permission calls made.
 */
public class FakeBrokerAdmin implements BrokerAdmin {

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> neverRegister = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> lag = new ConcurrentHashMap<>();
    private final Map<String, Long> unconsumed = new ConcurrentHashMap<>();
    private final Map<String, List<TopicBacklog>> backlogs = new ConcurrentHashMap<>();
    private final Set<String> backlogUnknown = ConcurrentHashMap.newKeySet();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private final java.util.concurrent.atomic.AtomicInteger observations =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile RuntimeException bug;

    /** How often a reconciler asked which masters are registered: once per pass. */
    public int observations() {
        return observations.get();
    }

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

    /** What {@link #backlog} answers for the group, instead of {@link #setUnconsumed}'s topic. */
    public void setBacklog(String brokerName, List<TopicBacklog> topics) {
        backlogs.put(brokerName, List.copyOf(topics));
    }

    /** {@link #backlog} fails for the group, as against a broker that does not serve it. */
    public void setBacklogUnknown(String brokerName, boolean unknown) {
        if (unknown) {
            backlogUnknown.add(brokerName);
        } else {
            backlogUnknown.remove(brokerName);
        }
    }

    /** Every call throws this unchecked exception, as a bug in the admin path would. */
    public void setBug(RuntimeException bug) {
        this.bug = bug;
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    /**
     * Every permission call, as "wipe:&lt;broker&gt;" or "add:&lt;broker&gt;" (NameServers), or
     * "stop:&lt;address&gt;" or "restore:&lt;address&gt;" (the broker itself).
     */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Set<String> registeredMasters(List<String> nameServers, String clusterName) throws BrokerAdminException {
        observations.incrementAndGet();
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
    public List<TopicBacklog> backlog(GroupEndpoints group) throws BrokerAdminException {
        check();
        if (backlogUnknown.contains(group.brokerName())) {
            throw new BrokerAdminException(
                    "request 43 to " + group.masterAddress() + " answered code 3: request type 43 not supported");
        }
        List<TopicBacklog> set = backlogs.get(group.brokerName());
        if (set != null) {
            return set;
        }
        // One topic whose only consumer group is the given number of messages behind.
        long behind = unconsumed.getOrDefault(group.brokerName(), 0L);
        return List.of(new TopicBacklog(
                "T", Map.of(0, new TopicBacklog.QueueRange(0, 100 + behind)), Map.of("CG", Map.of(0, 100L))));
    }

    @Override
    public void stopBrokerWrites(String brokerAddress) throws BrokerAdminException {
        check();
        calls.add("stop:" + brokerAddress);
    }

    @Override
    public void restoreBrokerWrites(String brokerAddress) throws BrokerAdminException {
        check();
        calls.add("restore:" + brokerAddress);
    }

    @Override
    public void wipeWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException {
        check();
        calls.add("wipe:" + brokerName);
    }

    @Override
    public void addWritePermission(List<String> nameServers, String brokerName) throws BrokerAdminException {
        check();
        calls.add("add:" + brokerName);
    }

    private void check() throws BrokerAdminException {
        if (bug != null) {
            throw bug;
        }
        if (down) {
            throw new BrokerAdminException("fake admin is down");
        }
    }
}
