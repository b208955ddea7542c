package io.rocketkube.client.message;

/**
 * What {@link StoredMessageDecoder} found at a position: a message, the end-of-segment filler, too few
 * bytes to tell yet, or bytes that are not a valid record.
 */
public sealed interface RecordDecodeResult {

    /** A valid message record of {@code size} bytes. */
    record Decoded(MessageRecord record, int size) implements RecordDecodeResult {}

    /**
     * A valid message record of {@code size} bytes that claims to be at {@code physicalOffset}: what
     * {@link StoredMessageDecoder#check} answers in place of {@link Decoded}, without building the record.
     */
    record Checked(int size, long physicalOffset) implements RecordDecodeResult {}

    /** The blank end-of-segment filler; {@code size} is the rest of the segment. */
    record Blank(int size) implements RecordDecodeResult {}

    /** {@code available} bytes are not enough; at least {@code required} are needed to decide. */
    record NeedMore(int available, int required) implements RecordDecodeResult {}

    /** Not a valid record; {@code reason} says which check failed. */
    record Corrupt(String reason) implements RecordDecodeResult {}
}
