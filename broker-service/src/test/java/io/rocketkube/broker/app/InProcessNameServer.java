package io.rocketkube.broker.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rocketkube.client.util.testing.TestFiles;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Our NameServer on loopback for the Quarkus test, and a fresh store directory for the broker. */
public class InProcessNameServer implements QuarkusTestResourceLifecycleManager {
    private NameServer nameServer;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("broker-quarkus-test");
            nameServer =
                    new NameServer(NameServerSettings.forTest("127.0.0.1", dir.resolve("namesrv")), Clock.systemUTC());
            nameServer.start();
            return Map.of(
                    "rocketkube.broker.namesrv-addr",
                    nameServer.address(),
                    "rocketkube.broker.store-path",
                    dir.resolve("broker").toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the NameServer", e);
        }
    }

    @Override
    public void stop() {
        if (nameServer != null) {
            nameServer.close();
        }
        if (dir != null) {
            // Best effort. On Linux a broker still holding files open (mapped or not) keeps them until it exits.
            try {
                TestFiles.deleteTree(dir);
            } catch (IOException e) {
                // A directory left in the temp folder fails no test.
            }
        }
    }
}
