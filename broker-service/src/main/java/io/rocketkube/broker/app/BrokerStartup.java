package io.rocketkube.broker.app;

import io.rocketkube.broker.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started: the store recovered and the remoting server listens. The startup probe waits on this, not on
 * readiness, so a broker restarted while the NameServers are down is not killed for their absence.
 */
@Startup
@ApplicationScoped
public class BrokerStartup implements HealthCheck {
    private final BrokerLifecycle lifecycle;

    public BrokerStartup(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        Broker broker = lifecycle.broker();
        return HealthCheckResponse.named("broker")
                .status(broker != null && broker.isStarted())
                .build();
    }
}
