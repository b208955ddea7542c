package io.rocketkube.client.protocol;

import java.util.List;

/** Body of the GET_CONSUMER_LIST_BY_GROUP response: the client ids exactly as their heartbeats sent them. */
public record ConsumerIdList(List<String> consumerIdList) {}
