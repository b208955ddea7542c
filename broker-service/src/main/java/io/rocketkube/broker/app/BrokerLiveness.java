package io.rocketkube.broker.app;

import io.rocketkube.broker.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live: the remoting server listens, the broker pools are alive and its scheduler runs, and the store answers
 * and has never failed a sync (the reason is reported as {@code storeFailure}).
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
        boolean live = broker == null || broker.isLive(RESPOND_MILLIS);
        var response = HealthCheckResponse.named("broker").status(live);
        if (broker != null) {
            broker.storeFatalReason().ifPresent(reason -> response.withData("storeFailure", reason));
        }
        return response.build();
    }
}
