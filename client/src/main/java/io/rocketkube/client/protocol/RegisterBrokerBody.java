package io.rocketkube.client.protocol;

import java.util.List;

/** Body of REGISTER_BROKER: the broker's topic table and (obsolete, always empty) filter servers. */
public record RegisterBrokerBody(
        TopicConfigSerializeWrapper topicConfigSerializeWrapper, List<String> filterServerList) {
    public RegisterBrokerBody {
        topicConfigSerializeWrapper = topicConfigSerializeWrapper == null
                ? new TopicConfigSerializeWrapper(null, null)
                : topicConfigSerializeWrapper;
        filterServerList = filterServerList == null ? List.of() : filterServerList;
    }
}
