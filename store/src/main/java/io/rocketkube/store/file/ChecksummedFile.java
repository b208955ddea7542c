package io.rocketkube.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A small file of ours that is replaced whole: KV config, topic tables, consumer offsets. Layout:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic          per file kind, so one kind is never read as another
 * 4       2     formatVersion  of the payload; readers refuse versions they do not know
 * 6       2     reserved       0
 * 8       4     payloadLength  N
 * 12      4     payloadCrc     CRC32C of the payload
 * 16      N     payload
 * </pre>
 *
 * Writes go through {@link #replaceDurably}, so a crash leaves either the old or the new content, never a
 * torn file. Lives in the store's bottom layer because it is server-side persistence: the NameServer's KV
 * config and the broker's tables use it too.
 */
public final class ChecksummedFile {
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    static final int RESERVED_OFFSET = VERSION_OFFSET + Short.BYTES;
    static final int LENGTH_OFFSET = RESERVED_OFFSET + Short.BYTES;
    static final int CRC_OFFSET = LENGTH_OFFSET + Integer.BYTES;
    static final int HEADER_SIZE = CRC_OFFSET + Integer.BYTES;

    private final Path path;
    private final int magic;
    private final short formatVersion;

    public ChecksummedFile(Path path, int magic, int formatVersion) {
        this.path = path;
        this.magic = magic;
        this.formatVersion = (short) formatVersion;
    }

    public Path path() {
        return path;
    }

    /** The payload, or empty when the file does not exist. A damaged file is an error, never "empty". */
    public Optional<byte[]> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length < HEADER_SIZE) {
            throw new IOException(path + " is truncated: " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt(MAGIC_OFFSET) != magic) {
            throw new IOException(path + " has magic 0x" + Integer.toHexString(in.getInt(MAGIC_OFFSET))
                    + ", expected 0x" + Integer.toHexString(magic));
        }
        short version = in.getShort(VERSION_OFFSET);
        if (version != formatVersion) {
            throw new IOException(path + " has format version " + version + ", this build reads " + formatVersion);
        }
        int length = in.getInt(LENGTH_OFFSET);
        if (length < 0 || length != bytes.length - HEADER_SIZE) {
            throw new IOException(
                    path + " says " + length + " payload bytes but holds " + (bytes.length - HEADER_SIZE));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, HEADER_SIZE, length);
        if ((int) crc.getValue() != in.getInt(CRC_OFFSET)) {
            throw new IOException(path + " fails its checksum");
        }
        byte[] payload = new byte[length];
        System.arraycopy(bytes, HEADER_SIZE, payload, 0, length);
        return Optional.of(payload);
    }

    public void write(byte[] payload) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE)
                .putInt(magic)
                .putShort(formatVersion)
                .putShort((short) 0)
                .putInt(payload.length)
                .putInt((int) crc.getValue());
        header.flip();
        replaceDurably(path, header, ByteBuffer.wrap(payload));
    }

    /**
     * Replaces {@code path} with the remaining bytes of {@code content}: written to a temporary sibling that
     * is forced, renamed over the target, then the directory forced so the rename itself survives a crash.
     * The one atomic replace of our own files, also for those with a fixed layout of their own (the store's
     * checkpoint).
     */
    public static void replaceDurably(Path path, ByteBuffer... content) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (hasRemaining(content)) {
                out.write(content);
            }
            out.force(true);
        }
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
