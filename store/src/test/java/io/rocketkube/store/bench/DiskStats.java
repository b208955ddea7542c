package io.rocketkube.store.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes a block device has written, from {@code /proc/diskstats} (field 10, sectors written, always in
 * 512-byte units). The device is the one backing a path: its {@code st_dev} major:minor, looked up in
 * {@code /proc/self/mountinfo}.
 */
final class DiskStats {

    private static final int SECTOR = 512;
    private final String device;

    private DiskStats(String device) {
        this.device = device;
    }

    static DiskStats forPath(Path path) throws IOException {
        String target = path.toRealPath().toString();
        String bestMount = "";
        String bestDev = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String mount = f[4];
            int dash = line.indexOf(" - ");
            String source = line.substring(dash + 3).split(" ")[1];
            if ((target.equals(mount) || target.startsWith(mount.endsWith("/") ? mount : mount + "/"))
                    && mount.length() >= bestMount.length()) {
                bestMount = mount;
                bestDev = source;
            }
        }
        if (bestDev == null || !bestDev.startsWith("/dev/")) {
            throw new IOException("no block device found for " + target + " (" + bestDev + ")");
        }
        return new DiskStats(bestDev.substring("/dev/".length()));
    }

    String device() {
        return device;
    }

    long bytesWritten() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/diskstats"));
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f[2].equals(device)) {
                return Long.parseLong(f[9]) * SECTOR;
            }
        }
        throw new IOException("device " + device + " not in /proc/diskstats");
    }
}
