package io.rocketkube.store.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An empty file that exists while the store is open: found at open time, it means the last run did not
 * shut down cleanly.
 */
public final class AbortMarker {

    private final Path path;

    public AbortMarker(Path path) {
        this.path = path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /** Creates the marker durably. */
    public void create() {
        try {
            if (!Files.exists(path)) {
                Files.createFile(path);
            }
            Durability.forceDirectory(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create abort marker " + path, e);
        }
    }

    /** Removes the marker durably: the last step of a clean shutdown. */
    public void remove() {
        try {
            Files.deleteIfExists(path);
            Durability.forceDirectory(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove abort marker " + path, e);
        }
    }
}
