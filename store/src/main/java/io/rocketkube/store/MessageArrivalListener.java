package io.rocketkube.store;

/**
 * Told after each message reaches its ConsumeQueue, on the dispatcher thread: keep it short and never
 * block (the broker's long polling just wakes the held pulls of that queue).
 */
@FunctionalInterface
public interface MessageArrivalListener {

    /**
     * @param queueOffset the new message's logical offset; the queue's max offset is now queueOffset + 1
     */
    void onArrival(String topic, int queueId, long queueOffset, long tagsCode, long storeTimestamp);
}
