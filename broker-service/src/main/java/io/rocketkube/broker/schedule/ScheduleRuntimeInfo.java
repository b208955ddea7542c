package io.rocketkube.broker.schedule;

import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.store.MessageStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The schedule's keys of GET_BROKER_RUNTIME_INFO, as the reference names them ({@code RunningStats
 * .scheduleMessageOffset}): {@code scheduleMessageOffset_<level>} = {@code "<delivered offset>,<max offset>"}
 * of the level's SCHEDULE_TOPIC_XXXX queue, which mqadmin brokerStatus prints and operators read as the
 * level's backlog.
 */
public final class ScheduleRuntimeInfo implements Supplier<Map<String, String>> {
    private final MessageStore store;
    private final DelayOffsetTable table;
    private final int maxLevel;

    public ScheduleRuntimeInfo(MessageStore store, DelayOffsetTable table, int maxLevel) {
        this.store = store;
        this.table = table;
        this.maxLevel = maxLevel;
    }

    @Override
    public Map<String, String> get() {
        Map<String, String> out = new TreeMap<>();
        for (int level = 1; level <= maxLevel; level++) {
            long max = store.maxOffset(TopicNames.SCHEDULE_TOPIC, DelayLevels.queueId(level));
            out.put("scheduleMessageOffset_" + level, table.offset(level) + "," + max);
        }
        return out;
    }
}
