package io.rocketkube.store.recovery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making directory entries (creations, renames, deletions) durable. */
public final class Durability {

    private Durability() {}

    /** {@code fsync} of a directory, so a rename or creation in it survives a crash. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
