package io.rocketkube.store.recovery;

import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.file.SegmentList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves CommitLog data that recovery cannot keep out of the way instead of deleting it: past the first
 * invalid record may lie acknowledged messages (one flipped bit must not cost every later segment), and
 * only an operator can decide what to do with them.
 *
 * <p>Layout, one directory per recovery that set something aside:
 * <pre>
 * quarantine/&lt;yyyyMMdd-HHmmss-SSS&gt;/
 *   &lt;20-digit start&gt;            whole later segments, moved (renamed) as they were, byte for byte
 *   &lt;20-digit offset&gt;.tail      the bytes of the damaged segment from the valid end up to its last
 *                                non-zero byte, copied (recovery then zeroes them in place)
 *   REASON                       text: why, the valid end, and the physical offset of each file
 * </pre>
 * Only bytes that are not all zero are kept: zeros past the end are the normal, never-written rest of
 * a segment, so an ordinary crash quarantines nothing.
 *
 * <p>Crash safety: files are moved or copied before the commit log is cut, and each step is made durable
 * (directory fsync) before the next; a crash in between only repeats the work into a new directory on
 * the next open, and nothing is deleted that was not copied first. Runs on the recovery thread only.
 */
public final class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    /** Bytes compared per step when looking for the last non-zero byte. */
    private static final int CHUNK = 8;

    private final Path root;
    private final Clock clock;

    /**
     * @param root the {@code quarantine} directory under the store root (created when first needed)
     */
    public Quarantine(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /**
     * Sets aside every non-zero byte of the commit log at or after {@code validEnd}: the rest of the
     * segment holding it, and every later segment (which are removed from {@code segments}).
     *
     * @return the quarantine directory, empty if there was nothing to keep
     */
    public Optional<Path> setAsideFrom(SegmentList segments, long validEnd, String reason) {
        SegmentFile cut = segments.find(validEnd);
        boolean cutInside = cut != null && validEnd > cut.start();
        long laterFrom = cutInside ? cut.end() : segments.segmentStartOf(validEnd);
        Path dir = null;
        List<String> lines = new ArrayList<>();
        try {
            if (cutInside) {
                int from = (int) (validEnd - cut.start());
                int to = lastNonZero(cut, from) + 1;
                if (to > from) {
                    dir = create(dir);
                    Path tail = dir.resolve(SegmentFile.fileName(validEnd) + ".tail");
                    copy(cut, from, to, tail);
                    lines.add(tail.getFileName() + ": commit log bytes [" + validEnd + ", " + (cut.start() + to)
                            + ") copied");
                }
            }
            for (SegmentFile s : segments.all()) {
                if (s.start() < laterFrom || lastNonZero(s, 0) < 0) {
                    continue;
                }
                dir = create(dir);
                Path moved = dir.resolve(s.path().getFileName());
                Path from = segments.detach(s.start());
                Files.move(from, moved);
                Durability.forceDirectory(dir);
                Durability.forceDirectory(from.getParent());
                lines.add(moved.getFileName() + ": commit log bytes [" + s.start() + ", " + s.end() + ") moved");
            }
            if (dir == null) {
                return Optional.empty();
            }
            Files.writeString(
                    dir.resolve("REASON"),
                    "recovery found the commit log valid up to offset " + validEnd + "\n" + reason
                            + "\nset aside, not deleted:\n" + String.join("\n", lines) + "\n",
                    StandardCharsets.UTF_8);
            Durability.forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot move commit log data past offset " + validEnd + " to quarantine in " + root, e);
        }
        LOG.error(
                "QUARANTINE: the commit log is valid only up to offset {} ({}); {} set aside in {} instead of being deleted, "
                        + "the store serves the valid prefix. An operator must inspect them: {}",
                validEnd,
                reason,
                lines.size(),
                dir,
                lines);
        return Optional.of(dir);
    }

    private Path create(Path existing) throws IOException {
        if (existing != null) {
            return existing;
        }
        Path dir = root.resolve(STAMP.format(clock.instant()));
        for (int n = 1; Files.exists(dir); n++) {
            dir = root.resolve(STAMP.format(clock.instant()) + "-" + n);
        }
        Files.createDirectories(dir);
        Durability.forceDirectory(root);
        Durability.forceDirectory(root.getParent());
        return dir;
    }

    /** Position of the last non-zero byte at or after {@code from}, or -1 if all are zero. */
    private static int lastNonZero(SegmentFile s, int from) {
        ByteBuffer m = s.mapped();
        int p = s.size();
        while (p - CHUNK >= from) {
            if (m.getLong(p - CHUNK) != 0) {
                break;
            }
            p -= CHUNK;
        }
        for (int i = p - 1; i >= from; i--) {
            if (m.get(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    private static void copy(SegmentFile s, int from, int to, Path target) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer src = s.mapped().slice(from, to - from);
            while (src.hasRemaining()) {
                out.write(src);
            }
            out.force(true);
        }
    }
}
