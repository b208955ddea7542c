package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes written to the machine's block devices, from {@code /sys/block/<dev>/stat} (field 7,
 * sectors written, always in 512-byte units). Machine-wide: other processes' writes count too, so
 * use it to compare phases of one run (e.g. SYNC_FLUSH write amplification), not as an absolute.
 * Loop, RAM and zram devices are left out.
 */
public final class DiskStats {

    private static final int SECTOR_BYTES = 512;
    private static final int SECTORS_WRITTEN_FIELD = 6;

    private DiskStats() {}

    public static long bytesWritten() {
        long sectors = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(Path.of("/sys/block"))) {
            for (Path device : devices) {
                String name = device.getFileName().toString();
                if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("zram")) {
                    continue;
                }
                sectors += sectorsWritten(Files.readString(device.resolve("stat")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /sys/block", e);
        }
        return sectors * SECTOR_BYTES;
    }

    static long sectorsWritten(String statLine) {
        String[] fields = statLine.trim().split("\\s+");
        if (fields.length <= SECTORS_WRITTEN_FIELD) {
            throw new IllegalArgumentException("unexpected block stat line: " + statLine);
        }
        return Long.parseLong(fields[SECTORS_WRITTEN_FIELD]);
    }
}
