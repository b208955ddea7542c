package io.rocketkube.operator.health;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN when one of the operator's informers has stopped, so that Kubernetes restarts the pod: a
 * stopped informer never restarts by itself, and the operator would silently stop seeing changes
 * to that kind (in every namespace) while looking alive.
 *
 * <p>QOSDK's own check ({@code OperatorHealthCheck}) is a readiness check and fails while a watch
 * merely reconnects; restarting on that would only add churn. "Stopped" here is an informer that
 * once synced and no longer runs. An informer that never started is not stopped: a replica that
 * waits for the leader Lease starts none, and must stay alive to take over.
 */
@Liveness
@ApplicationScoped
public class InformerLivenessCheck implements HealthCheck {

    static final String NAME = "RocketKube operator informers";

    private final Operator operator;

    @Inject
    public InformerLivenessCheck(Operator operator) {
        this.operator = operator;
    }

    @Override
    public HealthCheckResponse call() {
        return check(operator.getRuntimeInfo());
    }

    /** The response for the operator's current informers. */
    public static HealthCheckResponse check(RuntimeInfo runtime) {
        List<String> stopped = stoppedInformers(runtime);
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (stopped.isEmpty()) {
            return response.up().build();
        }
        return response.down().withData("stopped", String.join(", ", stopped)).build();
    }

    /** "controller/event source/namespace" of every informer that ran and has stopped. */
    public static List<String> stoppedInformers(RuntimeInfo runtime) {
        List<String> stopped = new ArrayList<>();
        for (RegisteredController<?> controller : runtime.getRegisteredControllers()) {
            Map<String, InformerWrappingEventSourceHealthIndicator> sources =
                    controller.getControllerHealthInfo().informerEventSourceHealthIndicators();
            for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> source : sources.entrySet()) {
                if (source.getValue() instanceof AbstractEventSource<?, ?> events && !events.isRunning()) {
                    // Not started yet (a standby replica): it has no informers to ask.
                    continue;
                }
                Map<String, InformerHealthIndicator> informers =
                        source.getValue().informerHealthIndicators();
                informers.forEach((namespace, informer) -> {
                    if (hasStopped(informer)) {
                        stopped.add(controller.getConfiguration().getName() + "/" + source.getKey() + "/" + namespace);
                    }
                });
            }
        }
        return stopped;
    }

    static boolean hasStopped(InformerHealthIndicator informer) {
        return informer.hasSynced() && !informer.isRunning();
    }
}
