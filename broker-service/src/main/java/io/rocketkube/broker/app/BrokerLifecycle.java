package io.rocketkube.broker.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerConfig;
import io.rocketkube.broker.settings.SettingsFactory;
import io.rocketkube.store.engine.DefaultMessageStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;

/**
 * Owns the broker from StartupEvent to ShutdownEvent. Quarkus's graceful shutdown only covers HTTP, so the
 * broker's own {@link Broker#close()} does the draining.
 */
@ApplicationScoped
public class BrokerLifecycle {
    private final BrokerConfig config;
    private final MeterRegistry meters;
    private volatile Broker broker;

    public BrokerLifecycle(BrokerConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        // The local zone: the runtime info's "today morning" totals roll at local midnight, as the reference's do.
        Broker starting =
                Broker.open(SettingsFactory.from(config), Clock.systemDefaultZone(), DefaultMessageStore::open, meters);
        starting.start();
        broker = starting;
    }

    void onStop(@Observes ShutdownEvent event) {
        Broker running = broker;
        if (running != null) {
            running.close();
        }
    }

    /** Null until started. */
    public Broker broker() {
        return broker;
    }
}
