package io.rocketkube.broker.topic;

import java.util.Set;
import java.util.TreeSet;

/**
 * Topic and group name rules and the reserved names of docs/protocol.md §5.2.4 and §9.2.
 *
 * <p>The rules are the reference's ({@code TopicValidator}, the client's {@code Validators.checkGroup}):
 * only {@code %|a-zA-Z0-9_-}, at most 127 characters for a topic and 255 for a group. They are also what
 * keeps names from being paths: a topic names ConsumeQueue directories and a group names its retry and
 * dead-letter topics, so a {@code /} or {@code .} that got through would walk out of the store directory.
 * Every request carrying a name checks it here before anything is looked up, created or deleted.
 */
public final class TopicNames {
    public static final String AUTO_CREATE_TOPIC_KEY = "TBW102";
    public static final String SELF_TEST_TOPIC = "SELF_TEST_TOPIC";
    public static final String OFFSET_MOVED_EVENT = "OFFSET_MOVED_EVENT";
    public static final String SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";
    /** 5.x timer messages wait here (RocketMQ 5's {@code TimerMessageStore.TIMER_TOPIC}). */
    public static final String TIMER_TOPIC = "rmq_sys_wheel_timer";
    /** RocketMQ reserves every topic whose name starts with this for itself. */
    public static final String SYSTEM_TOPIC_PREFIX = "rmq_sys_";

    public static final String TRANS_HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC";
    public static final String TRANS_OP_HALF_TOPIC = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    public static final String TRANS_CHECK_MAX_TIME_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";
    /** The official clients' default message-trace topic. */
    public static final String TRACE_TOPIC = "RMQ_SYS_TRACE_TOPIC";
    /** Reserved by the reference for its benchmark tool; listed so that the tools hide it as they do there. */
    public static final String BENCHMARK_TOPIC = "BenchmarkTest";

    public static final String RETRY_PREFIX = "%RETRY%";
    public static final String DLQ_PREFIX = "%DLQ%";
    public static final int MAX_LENGTH = 127;
    public static final int GROUP_MAX_LENGTH = 255;

    /** Topics clients may never send to directly. */
    private static final Set<String> NOT_WRITABLE_BY_CLIENTS = Set.of(
            SCHEDULE_TOPIC,
            TIMER_TOPIC,
            TRANS_HALF_TOPIC,
            TRANS_OP_HALF_TOPIC,
            TRANS_CHECK_MAX_TIME_TOPIC,
            SELF_TEST_TOPIC,
            OFFSET_MOVED_EVENT);

    /**
     * Reserved names every broker lists as system topics (GET_SYSTEM_TOPIC_LIST_FROM_BROKER), whether or not it
     * created them: the tools drop these from "user" topic listings.
     */
    private static final Set<String> FIXED_SYSTEM_TOPICS = Set.of(
            AUTO_CREATE_TOPIC_KEY,
            SCHEDULE_TOPIC,
            TIMER_TOPIC,
            BENCHMARK_TOPIC,
            TRANS_HALF_TOPIC,
            TRANS_OP_HALF_TOPIC,
            TRANS_CHECK_MAX_TIME_TOPIC,
            TRACE_TOPIC,
            SELF_TEST_TOPIC,
            OFFSET_MOVED_EVENT);

    private TopicNames() {}

    /** The system topics of a broker of {@code cluster} named {@code brokerName}: the fixed ones and its own. */
    public static Set<String> systemTopics(String cluster, String brokerName) {
        Set<String> topics = new TreeSet<>(FIXED_SYSTEM_TOPICS);
        topics.add(cluster);
        topics.add(brokerName);
        topics.add(replyTopic(cluster));
        return topics;
    }

    /** Where request-reply answers of the cluster are sent. */
    public static String replyTopic(String cluster) {
        return cluster + "_REPLY_TOPIC";
    }

    /** Why {@code topic} is not a legal name, or null if it is. */
    public static String problem(String topic) {
        if (topic == null || topic.isBlank()) {
            return "the specified topic is blank";
        }
        if (topic.length() > MAX_LENGTH) {
            return "the specified topic is longer than topic max length " + MAX_LENGTH;
        }
        if (!hasLegalCharacters(topic)) {
            return "the specified topic[" + topic + "] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
        }
        return null;
    }

    /** Why {@code group} is not a legal group name, or null if it is. */
    public static String groupProblem(String group) {
        if (group == null || group.isBlank()) {
            return "the specified group is blank";
        }
        if (group.length() > GROUP_MAX_LENGTH) {
            return "the specified group is longer than group max length " + GROUP_MAX_LENGTH;
        }
        if (!hasLegalCharacters(group)) {
            return "the specified group[" + group + "] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
        }
        return null;
    }

    /** {@code ^[%|a-zA-Z0-9_-]+$} without a regex: this runs for every send, some on the I/O thread. */
    private static boolean hasLegalCharacters(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '%'
                    || c == '|'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                return false;
            }
        }
        return true;
    }

    public static boolean isWritableByClients(String topic) {
        return !NOT_WRITABLE_BY_CLIENTS.contains(topic);
    }

    public static boolean isRetry(String topic) {
        return topic.startsWith(RETRY_PREFIX);
    }

    public static String retryTopic(String group) {
        return RETRY_PREFIX + group;
    }

    public static String dlqTopic(String group) {
        return DLQ_PREFIX + group;
    }
}
