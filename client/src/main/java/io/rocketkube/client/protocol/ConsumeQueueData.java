package io.rocketkube.client.protocol;

/**
 * One ConsumeQueue entry as QUERY_CONSUME_QUEUE shows it (mqadmin queryCq). {@code extendDataJson} and
 * {@code bitMap} describe RocketMQ's ConsumeQueue extension, which our store does not keep, so they stay null;
 * {@code eval} says whether the group's subscription matches the entry's tags code.
 */
public record ConsumeQueueData(
        long physicOffset,
        int physicSize,
        long tagsCode,
        String extendDataJson,
        String bitMap,
        boolean eval,
        String msg) {}
