package io.rocketkube.store.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The measurement behind the CommitLog's write-path choice: 1 KiB appends made durable one by one,
 * through a shared mapping ({@code msync}) or through {@code pwrite} + {@code fdatasync}, into a fresh
 * sparse file and into a pre-touched (zero-filled and synced) one. Reports appends/s and device bytes
 * written per appended byte.
 */
final class WritePathBench {

    record Result(String name, double perSec, double amplification) {}

    private static final int RECORD = 1024;
    private static final int FILE_SIZE = 64 << 20;

    private WritePathBench() {}

    /** How each append is written and made durable. */
    enum Mode {
        /** copy into the mapping, {@code msync} the range */
        MMAP_MSYNC,
        /** copy into the mapping, {@code fdatasync} the file */
        MMAP_FDATASYNC,
        /** {@code pwrite}, {@code fdatasync} */
        PWRITE_FDATASYNC,
        /** copy into the mapping, no force (page-cache speed) */
        MMAP_NOSYNC,
        /** {@code pwrite}, no force */
        PWRITE_NOSYNC
    }

    static Result run(Path dir, DiskStats disk, String name, Mode mode, boolean pretouch, int records)
            throws IOException {
        Path file = dir.resolve("writepath-" + name + ".dat");
        Files.deleteIfExists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(FILE_SIZE);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (pretouch) {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long pos = 0; pos < FILE_SIZE; pos += zeros.capacity()) {
                    zeros.clear();
                    ch.write(zeros, pos);
                }
                ch.force(true);
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
            ByteBuffer rec = ByteBuffer.allocateDirect(RECORD);
            for (int i = 0; i < RECORD; i++) {
                rec.put(i, (byte) i);
            }
            long before = disk.bytesWritten();
            long t0 = System.nanoTime();
            for (int i = 0; i < records; i++) {
                int pos = i * RECORD;
                switch (mode) {
                    case MMAP_MSYNC -> {
                        map.put(pos, rec, 0, RECORD);
                        map.force(pos, RECORD);
                    }
                    case MMAP_FDATASYNC -> {
                        map.put(pos, rec, 0, RECORD);
                        ch.force(false);
                    }
                    case MMAP_NOSYNC -> map.put(pos, rec, 0, RECORD);
                    case PWRITE_FDATASYNC -> {
                        rec.clear();
                        ch.write(rec, pos);
                        ch.force(false);
                    }
                    case PWRITE_NOSYNC -> {
                        rec.clear();
                        ch.write(rec, pos);
                    }
                }
            }
            if (mode == Mode.MMAP_NOSYNC || mode == Mode.PWRITE_NOSYNC) {
                ch.force(false);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long written = disk.bytesWritten() - before;
            return new Result(name, records / secs, (double) written / ((long) records * RECORD));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
