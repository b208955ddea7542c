package io.rocketkube.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the store makes a file's data durable ({@code fdatasync}) and a directory's entries durable
 * (a new segment's name). A seam: tests inject a sync that fails, to prove that one failure is fatal
 * (a failed {@code fdatasync} may have dropped the dirty pages, so a later success proves nothing).
 *
 * <p>Implementations must be thread-safe.
 */
public interface FileSync {

    /** The real thing: {@code fdatasync} of files, {@code fsync} of directories. */
    FileSync SYSTEM = new FileSync() {
        @Override
        public void forceData(FileChannel channel, Path path) throws IOException {
            channel.force(false);
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    };

    /** Makes every byte written to {@code channel} (the file {@code path}) durable. */
    void forceData(FileChannel channel, Path path) throws IOException;

    /** Makes the entries of {@code dir} (files created or deleted in it) durable. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Creates {@code dir} and its missing parents, syncing the parent of each directory it created, so
     * a crash cannot lose the directory of a file we then sync.
     */
    static void createDirectories(Path dir, FileSync sync) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (java.nio.file.Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent, sync);
        }
        try {
            java.nio.file.Files.createDirectory(abs);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!java.nio.file.Files.isDirectory(abs)) {
                throw e;
            }
            return;
        }
        if (parent != null) {
            sync.forceDirectory(parent);
        }
    }
}
