package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.status.Conditions;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Records each step the operator takes as a core/v1 Event on the RocketCluster, so that
 * {@code kubectl describe rocketcluster} tells the story of a roll or a scale-in.
 */
public final class EventRecorder {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final Clock clock;

    public EventRecorder(Clock clock) {
        this.clock = clock;
    }

    /** Never fails the reconciliation: an Event is a report, not a step. */
    public void record(KubernetesClient client, RocketCluster cluster, String type, String reason, String message) {
        LOG.infof(
                "%s/%s %s: %s",
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), reason, message);
        String now = Conditions.format(clock.instant());
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(cluster.getMetadata().getNamespace())
                .withName(cluster.getMetadata().getName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName())
                .withNamespace(cluster.getMetadata().getNamespace())
                .withUid(cluster.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent("rocketkube-operator")
                .endSource()
                .withReportingComponent("rocketkube-operator")
                .build();
        try {
            client.v1()
                    .events()
                    .inNamespace(cluster.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record event %s: %s", reason, e.getMessage());
        }
    }
}
