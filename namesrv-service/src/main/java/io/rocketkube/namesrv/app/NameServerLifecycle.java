package io.rocketkube.namesrv.app;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.namesrv.NamesrvConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Starts the NameServer with the application and stops it (draining its connections) on shutdown. */
@ApplicationScoped
public class NameServerLifecycle {
    private static final Logger LOG = Logger.getLogger(NameServerLifecycle.class);

    private final NameServer nameServer;

    NameServerLifecycle(NamesrvConfig config, Clock clock, NamesrvMetrics metrics) {
        NameServerSettings settings = NameServerSettings.from(config);
        this.nameServer = new NameServer(settings, clock, metrics);
        metrics.bind(nameServer);
    }

    void onStart(@Observes StartupEvent event) throws IOException, InterruptedException {
        nameServer.start();
        LOG.infof("NameServer serving on %s", nameServer.address());
    }

    void onStop(@Observes ShutdownEvent event) {
        nameServer.close();
        LOG.info("NameServer stopped");
    }

    public NameServer nameServer() {
        return nameServer;
    }
}
