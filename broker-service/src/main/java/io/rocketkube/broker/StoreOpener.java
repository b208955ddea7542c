package io.rocketkube.broker;

import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreConfig;
import java.io.IOException;

/** Opens (and recovers) the message store; the composition root is handed one, tests may pass their own. */
@FunctionalInterface
public interface StoreOpener {
    MessageStore open(StoreConfig config) throws IOException;
}
