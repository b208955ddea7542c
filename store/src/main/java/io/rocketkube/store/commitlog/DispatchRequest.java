package io.rocketkube.store.commitlog;

import java.util.List;

/**
 * What the ConsumeQueue and the index need to know about one stored record. Built by the append path
 * (from the put request, so the record need not be read back) or from a decoded record (recovery and
 * replicas).
 */
public record DispatchRequest(
        String topic,
        int queueId,
        long queueOffset,
        long physicalOffset,
        int size,
        int sysFlag,
        long tagsCode,
        long storeTimestamp,
        List<String> keys,
        String uniqKey) {

    /** Physical offset just past this record. */
    public long end() {
        return physicalOffset + size;
    }
}
