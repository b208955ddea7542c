package io.rocketkube.namesrv.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the remoting port accepts connections. */
@Readiness
@ApplicationScoped
public class RemotingReadiness implements HealthCheck {
    private final NameServerLifecycle lifecycle;

    RemotingReadiness(NameServerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        boolean serving = lifecycle.nameServer().isServing();
        return HealthCheckResponse.named("remoting")
                .status(serving)
                .withData("brokers", lifecycle.nameServer().routes().liveBrokerCount())
                .build();
    }
}
