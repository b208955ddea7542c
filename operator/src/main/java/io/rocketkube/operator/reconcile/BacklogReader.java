package io.rocketkube.operator.reconcile;

import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.admin.TopicBacklog;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a draining group's backlog from its master or, when the master does not answer, from a
 * slave. A slave serves the same reads (GET_ALL_TOPIC_CONFIG, GET_ALL_CONSUMER_OFFSET, the queue
 * offsets): its topics and consumer offsets are copied from the master every slave sync interval
 * and its queues are what it replicated (docs/replication.md). Its numbers can only err towards
 * more backlog for consumer offsets (synced later than committed) and towards less for messages
 * (a tail the master stored and never replicated is not on the slave), which is why the drainer
 * never deletes a group on a slave's "drained" alone.
 */
public final class BacklogReader {

    /**
     * @param source the address that answered
     * @param masterFailure why the master was not read; null when it was
     */
    public record Reading(List<TopicBacklog> topics, String source, String masterFailure) {

        public boolean fromSlave() {
            return masterFailure != null;
        }
    }

    private BacklogReader() {}

    /** @throws BrokerAdminException when neither the master nor any slave answered, with each failure */
    public static Reading read(BrokerAdmin admin, GroupEndpoints group) throws BrokerAdminException {
        String masterFailure;
        if (group.masterAddress() == null) {
            masterFailure = "master of " + group.brokerName() + " has no address";
        } else {
            try {
                return new Reading(admin.backlog(group), group.masterAddress(), null);
            } catch (BrokerAdminException e) {
                masterFailure = e.getMessage();
            }
        }
        List<String> failures = new ArrayList<>(List.of(masterFailure));
        for (String slave : group.slaveAddresses()) {
            try {
                // The admin reads a group's backlog at its master address: point it at the slave.
                return new Reading(
                        admin.backlog(new GroupEndpoints(group.brokerName(), slave, List.of())), slave, masterFailure);
            } catch (BrokerAdminException e) {
                failures.add(e.getMessage());
            }
        }
        throw new BrokerAdminException(String.join("; ", failures));
    }
}
