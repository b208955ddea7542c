package io.rocketkube.client.protocol;

import java.util.Set;

/** Body of QUERY_TOPIC_CONSUME_BY_WHO: consumer group names. */
public record GroupList(Set<String> groupList) {}
