package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.smallConfig;

import java.nio.file.Path;

/** The store most engine tests use: {@code smallConfig(dir)}, opened (recovered) and started. */
final class SmallStores {
    private SmallStores() {}

    static DefaultMessageStore started(Path dir) {
        return DefaultMessageStore.open(smallConfig(dir).build()).start();
    }
}
