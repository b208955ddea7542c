package io.rocketkube.broker.app;

import io.rocketkube.broker.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live: the remoting server listens, the broker pools are alive and its scheduler runs, and the store answers
 * with no dead or stuck critical thread and no latched fatal error (e.g. a failed sync). DOWN carries the reason.
 */
@Liveness
@ApplicationScoped
public class BrokerLiveness implements HealthCheck {
    private static final long RESPOND_MILLIS = 2000;
    private final BrokerLifecycle lifecycle;

    public BrokerLiveness(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        Broker broker = lifecycle.broker();
        // Not started yet is "live": startup is still running, and killing it would only restart recovery.
        if (broker == null) {
            return HealthCheckResponse.named("broker").up().build();
        }
        return broker.notLiveReason(RESPOND_MILLIS)
                .map(reason -> HealthCheckResponse.named("broker")
                        .down()
                        .withData("reason", reason)
                        .build())
                .orElseGet(() -> HealthCheckResponse.named("broker").up().build());
    }
}
