package io.rocketkube.broker.timer;

import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code timer/checkpoint.rkc}: how far the timer service got. {@link ChecksummedFile}'s header (magic
 * {@code "RKTC"}, format version, payload length, CRC32C; temp file, force, rename), then:
 *
 * <pre>
 * offset  size  field
 * 0       8     queueOffset   next rmq_sys_wheel_timer queue-0 offset to enqueue; all before it are in the
 *                             log and the wheel, both forced before this was written
 * 8       8     logEnd        the log's end when they were forced
 * 16      8     deliverTick   the next wheel tick to deliver; every earlier tick's re-puts completed
 * 24            end
 * </pre>
 */
final class TimerCheckpointFile {
    /** "RKTC". Never change: it is on disk. */
    static final int MAGIC = 0x524B5443;

    static final int FORMAT_VERSION = 1;
    static final int QUEUE_OFFSET = 0;
    static final int LOG_END = 8;
    static final int DELIVER_TICK = 16;
    static final int SIZE = 24;

    record Checkpoint(long queueOffset, long logEnd, long deliverTick) {}

    private final ChecksummedFile file;

    TimerCheckpointFile(Path dir) {
        this.file = new ChecksummedFile(dir.resolve("checkpoint.rkc"), MAGIC, FORMAT_VERSION);
    }

    /** The checkpoint, or empty when there is none yet; a damaged file is an error. */
    Optional<Checkpoint> read() throws IOException {
        Optional<byte[]> payload = file.read();
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        if (payload.get().length != SIZE) {
            throw new IOException(file.path() + " holds " + payload.get().length + " bytes, expected " + SIZE);
        }
        ByteBuffer in = ByteBuffer.wrap(payload.get());
        Checkpoint c = new Checkpoint(in.getLong(QUEUE_OFFSET), in.getLong(LOG_END), in.getLong(DELIVER_TICK));
        if (c.queueOffset() < 0 || c.logEnd() < 0 || c.logEnd() % TimerLog.RECORD_SIZE != 0 || c.deliverTick() < 0) {
            throw new IOException(file.path() + " is impossible: " + c);
        }
        return Optional.of(c);
    }

    void write(Checkpoint c) throws IOException {
        file.write(ByteBuffer.allocate(SIZE)
                .putLong(QUEUE_OFFSET, c.queueOffset())
                .putLong(LOG_END, c.logEnd())
                .putLong(DELIVER_TICK, c.deliverTick())
                .array());
    }
}
