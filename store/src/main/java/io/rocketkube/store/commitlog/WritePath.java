package io.rocketkube.store.commitlog;

/**
 * How appended bytes reach the page cache. Measured on this machine (store/README.md, "write path"):
 * <ul>
 *   <li>{@link #CHANNEL}, a positional {@code pwrite} per append: the SYNC_FLUSH path. With an
 *       {@code fdatasync} after small appends it made the device write 1–5x the bytes, where {@code msync}
 *       of a mapping wrote up to 1000x, and it was 2–3x faster.</li>
 *   <li>{@link #MAPPING}, a copy into the shared mapping: the ASYNC_FLUSH path. With no sync per append
 *       the device wrote 1.0x either way, and the copy costs no syscall (336k vs 171k appends/s in the
 *       write-path probe), so it is the cheaper way to fill the page cache when durability is batched.</li>
 * </ul>
 * Both are made durable by the same {@code fdatasync}, because the mapping and the channel share the page
 * cache.
 * With {@link #MAPPING} a background thread pre-faults the pages ahead ({@link MappingPrefaulter}).
 */
public enum WritePath {
    CHANNEL,
    MAPPING
}
