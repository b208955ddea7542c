package io.rocketkube.broker.transaction;

import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The check scan's progress in the half queue, {@code config/transactionCheck.rkc}: every half below it has been
 * settled, discarded or re-appended as a copy above it. A {@link ChecksummedFile} (magic "RKTX", version, CRC32C;
 * written to a temporary sibling, forced and renamed, so {@code kill -9} leaves the old or the new value) whose
 * payload is:
 *
 * <pre>
 * offset  size  field
 * 0       8     halfProgress   next half queue offset the scan examines (big-endian long)
 * </pre>
 *
 * Written after a scan round moved it. Losing a write is harmless: the next start rescans from the older value,
 * re-checks halves it had already re-appended (their chains are settled once, whichever copy is answered).
 *
 * <p>Not thread-safe; the check service is its only user.
 */
final class CheckProgress {
    /** "RKTX". */
    static final int MAGIC = 0x524B5458;

    static final int FORMAT_VERSION = 1;
    static final int HALF_PROGRESS_OFFSET = 0;
    static final int PAYLOAD_SIZE = HALF_PROGRESS_OFFSET + Long.BYTES;

    private final ChecksummedFile file;

    CheckProgress(Path storePath) {
        this.file =
                new ChecksummedFile(storePath.resolve("config").resolve("transactionCheck.rkc"), MAGIC, FORMAT_VERSION);
    }

    /** The stored progress; empty before the first round. A damaged file is an error, never "start over". */
    OptionalLong read() throws IOException {
        byte[] payload = file.read().orElse(null);
        if (payload == null) {
            return OptionalLong.empty();
        }
        if (payload.length != PAYLOAD_SIZE) {
            throw new IOException(
                    file.path() + " holds " + payload.length + " payload bytes, expected " + PAYLOAD_SIZE);
        }
        return OptionalLong.of(ByteBuffer.wrap(payload).getLong(HALF_PROGRESS_OFFSET));
    }

    void write(long halfProgress) throws IOException {
        file.write(ByteBuffer.allocate(PAYLOAD_SIZE)
                .putLong(HALF_PROGRESS_OFFSET, halfProgress)
                .array());
    }
}
