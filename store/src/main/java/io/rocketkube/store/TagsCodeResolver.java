package io.rocketkube.store;

/**
 * Computes a record's ConsumeQueue tags code from the record itself, for records dispatched without
 * the put request at hand: after a crash and on a replica.
 */
@FunctionalInterface
public interface TagsCodeResolver {

    /** The reference rule for ordinary topics: {@code TAGS.hashCode()}, or 0 without a tag. */
    TagsCodeResolver TAGS_HASH = (topic, properties) -> {
        String tags = io.rocketkube.client.message.PropertiesCodec.find(properties, io.rocketkube.client.message.MessageProperties.TAGS);
        return tags == null || tags.isEmpty() ? 0L : tags.hashCode();
    };

    long tagsCode(String topic, String properties);
}
