package io.rocketkube.store;

/**
 * Computes a record's ConsumeQueue tags code from the record itself, for records dispatched without
 * the put request at hand: after a crash and on a replica.
 */
@FunctionalInterface
public interface TagsCodeResolver {

    /** The reference rule for ordinary topics, applied to the record's TAGS property ({@link #ofTags}). */
    TagsCodeResolver TAGS_HASH = (topic, properties) -> ofTags(io.rocketkube.client.message.PropertiesCodec.find(
            properties, io.rocketkube.client.message.MessageProperties.TAGS));

    /**
     * The tags code of an ordinary message: {@code TAGS.hashCode()}, or 0 without a tag. The broker's send
     * paths and the store's own dispatch (after a crash, on a replica) must agree on it, or a tag filter
     * would see a different code for the same record; so both call this.
     */
    static long ofTags(String tags) {
        return tags == null || tags.isEmpty() ? 0L : tags.hashCode();
    }

    long tagsCode(String topic, String properties);
}
