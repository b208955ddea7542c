package io.rocketkube.broker.app;

import io.rocketkube.broker.Broker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: the store recovered and a NameServer acknowledged a registration within the last 120 s. */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {
    static final long REGISTRATION_WINDOW_MILLIS = 120_000;
    private final BrokerLifecycle lifecycle;

    public BrokerReadiness(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        Broker broker = lifecycle.broker();
        boolean ready = broker != null && broker.isReady(REGISTRATION_WINDOW_MILLIS);
        return HealthCheckResponse.named("broker")
                .status(ready)
                .withData("lastRegistrationMillis", broker == null ? -1 : broker.lastRegistrationMillis())
                .build();
    }
}
