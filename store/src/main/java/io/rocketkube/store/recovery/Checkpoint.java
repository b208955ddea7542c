package io.rocketkube.store.recovery;

import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The checkpoint: the physical offset below which the CommitLog, every ConsumeQueue and the index are
 * all durable, so recovery can start there instead of at the beginning. Our own file:
 * <pre>
 * 0   4  MAGIC            0x524B4350 ("RKCP")
 * 4   4  VERSION          1
 * 8   8  SAFE_OFFSET      CommitLog, ConsumeQueues and index are durable and consistent below it
 * 16  8  COMMITLOG_MIN    first CommitLog offset stored when written (informational)
 * 24  8  WRITTEN_AT       store clock, ms
 * 32  4  CRC              CRC32 of bytes [0, 32)
 * </pre>
 * Replaced whole through {@link ChecksummedFile#replaceDurably}, so a crash leaves either the old or the
 * new checkpoint, never a torn one (a torn or foreign file still fails the CRC and is reported). Not a
 * {@link ChecksummedFile} itself: this fixed layout predates it and stays readable.
 */
public final class Checkpoint {

    public static final int MAGIC = 0x524B4350;
    public static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    static final int SAFE_OFFSET_OFFSET = VERSION_OFFSET + 4;
    static final int COMMITLOG_MIN_OFFSET = SAFE_OFFSET_OFFSET + 8;
    static final int WRITTEN_AT_OFFSET = COMMITLOG_MIN_OFFSET + 8;
    static final int CRC_OFFSET = WRITTEN_AT_OFFSET + 8;
    static final int SIZE = CRC_OFFSET + 4;

    /** The values a checkpoint holds. */
    public record Values(long safeOffset, long commitLogMinOffset, long writtenAt) {}

    /** What reading the checkpoint found. */
    public sealed interface ReadResult {
        record Ok(Values values) implements ReadResult {}

        record Missing() implements ReadResult {}

        record Corrupt(String reason) implements ReadResult {}
    }

    private final Path path;

    public Checkpoint(Path path) {
        this.path = path;
    }

    public ReadResult read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new ReadResult.Missing();
        } catch (IOException e) {
            return new ReadResult.Corrupt(e.toString());
        }
        if (bytes.length != SIZE) {
            return new ReadResult.Corrupt("size " + bytes.length + ", expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            return new ReadResult.Corrupt("bad magic");
        }
        if (b.getInt(VERSION_OFFSET) != VERSION) {
            return new ReadResult.Corrupt("unknown version " + b.getInt(VERSION_OFFSET));
        }
        if (b.getInt(CRC_OFFSET) != crc(bytes)) {
            return new ReadResult.Corrupt("CRC mismatch");
        }
        return new ReadResult.Ok(new Values(
                b.getLong(SAFE_OFFSET_OFFSET), b.getLong(COMMITLOG_MIN_OFFSET), b.getLong(WRITTEN_AT_OFFSET)));
    }

    /** Durably replaces the checkpoint. */
    public void write(Values v) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, VERSION);
        b.putLong(SAFE_OFFSET_OFFSET, v.safeOffset());
        b.putLong(COMMITLOG_MIN_OFFSET, v.commitLogMinOffset());
        b.putLong(WRITTEN_AT_OFFSET, v.writtenAt());
        b.putInt(CRC_OFFSET, crc(b.array()));
        try {
            ChecksummedFile.replaceDurably(path, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + path, e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + path, e);
        }
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }
}
