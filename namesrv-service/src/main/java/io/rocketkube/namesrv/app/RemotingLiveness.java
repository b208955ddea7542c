package io.rocketkube.namesrv.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the remoting server still listens; a NameServer that lost its port is of no use. */
@Liveness
@ApplicationScoped
public class RemotingLiveness implements HealthCheck {
    private final NameServerLifecycle lifecycle;

    RemotingLiveness(NameServerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("remoting-listener")
                .status(lifecycle.nameServer().isServing())
                .build();
    }
}
