package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rocketkube.crds.v1alpha1.BrokerGroupStatus;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scale-in of broker groups, safely: a leaving group first loses its write permission at every
 * NameServer (producers move to the other groups), then is kept until its consumers have consumed
 * everything or the drain timeout passes, and only then deleted.
 *
 * <p>The drain's start time lives in the RocketCluster's status, so a restarted operator carries
 * on where it was, and nothing is kept in memory between reconciliations.
 */
public final class GroupDrainer {

  public static final String RUNNING = "Running";
  public static final String DRAINING = "Draining";

  private final BrokerAdmin admin;
  private final EventRecorder events;
  private final GroupRemover remover;
  private final Clock clock;

  public GroupDrainer(BrokerAdmin admin, EventRecorder events, GroupRemover remover, Clock clock) {
    this.admin = admin;
    this.events = events;
    this.remover = remover;
    this.clock = clock;
  }

  /**
   * The drain's state after this step.
   *
   * @param draining status entries of the groups still draining
   * @param blockedReason why the scale-in cannot finish yet, or null when it is not blocked
   */
  public record Outcome(List<BrokerGroupStatus> draining, String blockedReason,
      String blockedMessage, List<String> adminErrors) {

    public boolean inProgress() {
      return !draining.isEmpty();
    }
  }

  public Outcome drain(KubernetesClient client, RocketCluster cluster,
      BrokerObserver.Result observed, ClusterObservation seen) {
    int wanted = cluster.getSpec().getBroker().getGroups();
    List<String> errors = new ArrayList<>();
    cancelDrains(client, cluster, observed, wanted, errors);
    List<BrokerGroupStatus> draining = new ArrayList<>();
    List<String> blocked = new ArrayList<>();
    String reason = null;
    for (GroupState group : observed.groups().values()) {
      if (group.ordinal() < wanted || !seen.groups().containsKey(group.ordinal())) {
        continue;
      }
      BrokerGroupStatus entry = drainStep(client, cluster, group, observed, errors);
      if (entry != null) {
        draining.add(entry);
        reason = entry.getRemainingMessages() == null ? "LagUnknown" : "MessagesRemaining";
        blocked.add(entry.getRemainingMessages() == null
            ? group.name() + ": unconsumed messages unknown (" + lastError(errors) + ")"
            : group.name() + " still holds " + entry.getRemainingMessages()
                + " unconsumed messages");
      }
    }
    String message = blocked.isEmpty() ? null : String.join("; ", blocked)
        + "; waiting for its consumers until the drain timeout of "
        + cluster.getSpec().getBroker().getDrainTimeoutSeconds() + " s, or annotate the cluster "
        + RocketCluster.FORCE_SCALE_DOWN_ANNOTATION + "=true to delete now";
    return new Outcome(draining, reason, message, errors);
  }

  /** One leaving group: the entry to keep in status while it drains, or null once deleted. */
  private BrokerGroupStatus drainStep(KubernetesClient client, RocketCluster cluster,
      GroupState group, BrokerObserver.Result observed, List<String> errors) {
    Instant now = clock.instant();
    Optional<BrokerGroupStatus> previous = previous(cluster, group.name())
        .filter(s -> DRAINING.equals(s.getPhase()) && s.getDrainStartedAt() != null);
    Instant started = previous.map(s -> Instant.parse(s.getDrainStartedAt())).orElse(now);
    // Wiped again on every pass: a restarted NameServer learns the group's routes afresh, with
    // write permission, from the group's next registration.
    try {
      admin.wipeWritePermission(observed.nameServers(), group.name());
    } catch (BrokerAdminException e) {
      errors.add(e.getMessage());
    }
    if (previous.isEmpty()) {
      events.record(client, cluster, EventRecorder.NORMAL, "ScaleInDraining",
          "Wiped the write permission of " + group.name() + " at the NameServers; waiting for"
              + " its consumers before deleting it");
    }
    Long remaining = remaining(group, errors);
    boolean forced = "true".equals(annotation(cluster, RocketCluster.FORCE_SCALE_DOWN_ANNOTATION));
    boolean timedOut = !now.isBefore(started.plus(
        Duration.ofSeconds(cluster.getSpec().getBroker().getDrainTimeoutSeconds())));
    if (remaining != null && remaining == 0) {
      remover.remove(client, cluster, group.name());
      events.record(client, cluster, EventRecorder.NORMAL, "ScaleInCompleted",
          "Deleted group " + group.name() + ": its consumers have consumed every message");
      return null;
    }
    if (forced || timedOut) {
      remover.remove(client, cluster, group.name());
      events.record(client, cluster, EventRecorder.WARNING,
          forced ? "ScaleInForced" : "ScaleInTimedOut",
          "Deleted group " + group.name() + " with " + (remaining == null ? "an unknown number of"
              : remaining) + " unconsumed messages" + (forced ? " (forced by annotation)"
                  : " after the drain timeout"));
      return null;
    }
    BrokerGroupStatus entry = StatusComposer.groupStatus(group);
    entry.setPhase(DRAINING);
    entry.setDrainStartedAt(started.toString());
    entry.setRemainingMessages(remaining);
    return entry;
  }

  private Long remaining(GroupState group, List<String> errors) {
    if (!group.masterReady()) {
      errors.add("master of " + group.name() + " is not ready, so its consumer lag is unknown");
      return null;
    }
    try {
      return admin.unconsumedMessages(BrokerObserver.endpoints(group));
    } catch (BrokerAdminException e) {
      errors.add(e.getMessage());
      return null;
    }
  }

  /** A group that was draining and is wanted again gets its write permission back. */
  private void cancelDrains(KubernetesClient client, RocketCluster cluster,
      BrokerObserver.Result observed, int wanted, List<String> errors) {
    if (cluster.getStatus() == null) {
      return;
    }
    for (BrokerGroupStatus entry : cluster.getStatus().getBrokerGroups()) {
      GroupState group = observed.groups().values().stream()
          .filter(g -> g.name().equals(entry.getName())).findFirst().orElse(null);
      if (group != null && group.ordinal() < wanted && DRAINING.equals(entry.getPhase())) {
        try {
          admin.addWritePermission(observed.nameServers(), group.name());
          events.record(client, cluster, EventRecorder.NORMAL, "ScaleInCancelled",
              "Group " + group.name() + " is wanted again; restored its write permission");
        } catch (BrokerAdminException e) {
          errors.add(e.getMessage());
        }
      }
    }
  }

  private static Optional<BrokerGroupStatus> previous(RocketCluster cluster, String name) {
    if (cluster.getStatus() == null) {
      return Optional.empty();
    }
    return cluster.getStatus().getBrokerGroups().stream()
        .filter(s -> name.equals(s.getName())).findFirst();
  }

  private static String annotation(RocketCluster cluster, String key) {
    Map<String, String> annotations = cluster.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static String lastError(List<String> errors) {
    return errors.isEmpty() ? "no answer" : errors.get(errors.size() - 1);
  }
}
