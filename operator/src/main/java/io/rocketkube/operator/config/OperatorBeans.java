package io.rocketkube.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.admin.RemotingBrokerAdmin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The composition root: turns configuration into the reconciler's collaborators. */
@ApplicationScoped
public class OperatorBeans {

    @Produces
    @Singleton
    OperatorSettings settings(OperatorConfig config) {
        return OperatorSettings.from(config);
    }

    /**
     * QOSDK uses this bean when leader election is active (quarkus.operator-sdk
     * .activate-leader-election-for-profiles, prod by default): only the Lease holder starts its
     * controllers, so two replicas never reconcile at once.
     */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        // Null (allowed for a dependent bean) leaves JOSDK without leader election.
        return config.leaderElection()
                ? new LeaderElectionConfiguration(
                        config.leaseName(), config.leaseNamespace().orElse(null))
                : null;
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    BrokerCredentials brokerCredentials(OperatorSettings settings, Clock clock) {
        // Every cluster is reconciled at least once per resync interval; a claim ten of them old is a cluster gone.
        return new BrokerCredentials(clock, settings.resyncInterval().multipliedBy(10));
    }

    @Produces
    @Singleton
    BrokerAdmin brokerAdmin(OperatorSettings settings, BrokerCredentials credentials) {
        RemotingClientConfig defaults = RemotingClientConfig.defaults();
        RemotingClientConfig config = new RemotingClientConfig(
                1,
                settings.adminTimeout(),
                defaults.maxFrameLength(),
                defaults.idleTimeout(),
                defaults.preferEpoll(),
                defaults.maxInFlightAsync(),
                defaults.maxInFlightOneway());
        return new RemotingBrokerAdmin(new RemotingClient(config), settings.adminTimeout(), credentials);
    }

    void closeBrokerAdmin(@Disposes BrokerAdmin admin) {
        if (admin instanceof RemotingBrokerAdmin remoting) {
            remoting.close();
        }
    }
}
