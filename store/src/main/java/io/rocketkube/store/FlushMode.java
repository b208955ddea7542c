package io.rocketkube.store;

/** When an append counts as stored. */
public enum FlushMode {
    /** Acknowledge once the bytes are in the page cache; a background task makes them durable. */
    ASYNC_FLUSH,
    /** Acknowledge once the bytes are durable; concurrent appends share one {@code fdatasync}. */
    SYNC_FLUSH
}
