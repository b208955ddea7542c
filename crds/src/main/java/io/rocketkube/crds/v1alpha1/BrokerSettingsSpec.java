package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The typed part of a RocketCluster's {@code spec.broker.settings} (CRD model; the broker app's own
 * configuration is {@code io.rocketkube.broker.settings.BrokerSettings}). Each field becomes a
 * ROCKETKUBE_BROKER_&lt;KEY&gt; variable when set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class BrokerSettingsSpec extends SpecObject {

    @JsonPropertyDescription("Create a topic on its first send (AUTO_CREATE_TOPIC).")
    private Boolean autoCreateTopic;

    @JsonPropertyDescription("Create a consumer group on its first use" + " (AUTO_CREATE_SUBSCRIPTION_GROUP).")
    private Boolean autoCreateSubscriptionGroup;

    @Min(1)
    @Max(1024)
    @JsonPropertyDescription("Queues of an auto-created topic (DEFAULT_TOPIC_QUEUE_NUMS).")
    private Integer defaultTopicQueueNums;

    @Min(1024)
    @Max(134217728)
    @JsonPropertyDescription("Largest message body accepted, in bytes (MAX_MESSAGE_SIZE).")
    private Integer maxMessageSize;

    @Min(1)
    @JsonPropertyDescription("Hours a CommitLog file is kept before it may be deleted" + " (FILE_RESERVED_HOURS).")
    private Integer fileReservedHours;

    @Min(1048576)
    @JsonPropertyDescription("Size of one CommitLog file, in bytes (COMMIT_LOG_SEGMENT_SIZE).")
    private Long commitLogSegmentSize;

    public Boolean getAutoCreateTopic() {
        return autoCreateTopic;
    }

    public void setAutoCreateTopic(Boolean autoCreateTopic) {
        this.autoCreateTopic = autoCreateTopic;
    }

    public Boolean getAutoCreateSubscriptionGroup() {
        return autoCreateSubscriptionGroup;
    }

    public void setAutoCreateSubscriptionGroup(Boolean autoCreateSubscriptionGroup) {
        this.autoCreateSubscriptionGroup = autoCreateSubscriptionGroup;
    }

    public Integer getDefaultTopicQueueNums() {
        return defaultTopicQueueNums;
    }

    public void setDefaultTopicQueueNums(Integer defaultTopicQueueNums) {
        this.defaultTopicQueueNums = defaultTopicQueueNums;
    }

    public Integer getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Integer maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getFileReservedHours() {
        return fileReservedHours;
    }

    public void setFileReservedHours(Integer fileReservedHours) {
        this.fileReservedHours = fileReservedHours;
    }

    public Long getCommitLogSegmentSize() {
        return commitLogSegmentSize;
    }

    public void setCommitLogSegmentSize(Long commitLogSegmentSize) {
        this.commitLogSegmentSize = commitLogSegmentSize;
    }
}
