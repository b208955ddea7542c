package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.operator.admin.TopicBacklog;
import io.rocketkube.operator.admin.TopicBacklog.QueueRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainJudgeTest {

    @Test
    void everyGroupAtEveryQueuesMaxOffsetIsDrained() {
        var verdict = DrainJudge.judge(List.of(
                new TopicBacklog(
                        "T1",
                        Map.of(0, new QueueRange(0, 10), 1, new QueueRange(3, 7)),
                        Map.of("A", Map.of(0, 10L, 1, 7L), "B", Map.of(0, 10L, 1, 7L))),
                new TopicBacklog("%RETRY%A", Map.of(0, new QueueRange(0, 2)), Map.of("A", Map.of(0, 2L))),
                new TopicBacklog("EMPTY", Map.of(0, new QueueRange(0, 0)), Map.of())));
        assertThat(verdict.drained()).isTrue();
        assertThat(verdict.remaining()).isZero();
    }

    @Test
    void oneLaggingGroupIsEnoughToBlockAndRetryTopicsCount() {
        var verdict = DrainJudge.judge(List.of(
                new TopicBacklog(
                        "T1", Map.of(0, new QueueRange(0, 10)), Map.of("FAST", Map.of(0, 10L), "SLOW", Map.of(0, 4L))),
                new TopicBacklog("%RETRY%FAST", Map.of(0, new QueueRange(0, 3)), Map.of("FAST", Map.of(0, 1L)))));
        assertThat(verdict.drained()).isFalse();
        assertThat(verdict.reason()).isEqualTo("MessagesRemaining");
        assertThat(verdict.unconsumed()).containsExactly(Map.entry("%RETRY%FAST", 2L), Map.entry("T1", 6L));
        assertThat(verdict.remaining()).isEqualTo(8);
        assertThat(verdict.describe("g")).isEqualTo("g still holds 8 unconsumed messages" + " {%RETRY%FAST=2, T1=6}");
    }

    @Test
    void aQueueAGroupNeverCommittedOnCountsFromItsMinOffset() {
        var verdict = DrainJudge.judge(List.of(new TopicBacklog(
                "T1", Map.of(0, new QueueRange(0, 5), 1, new QueueRange(4, 9)), Map.of("A", Map.of(0, 5L)))));
        assertThat(verdict.unconsumed()).containsExactly(Map.entry("T1", 5L));
    }

    @Test
    void aCommittedOffsetBelowTheMinOffsetCountsOnlyWhatIsStillStored() {
        var verdict = DrainJudge.judge(
                List.of(new TopicBacklog("T1", Map.of(0, new QueueRange(8, 10)), Map.of("A", Map.of(0, 1L)))));
        assertThat(verdict.remaining()).isEqualTo(2);
    }

    @Test
    void aTopicWithMessagesAndNoConsumerGroupIsNotDrained() {
        var verdict = DrainJudge.judge(List.of(
                new TopicBacklog("ORPHAN", Map.of(0, new QueueRange(0, 5), 1, new QueueRange(0, 2)), Map.of()),
                new TopicBacklog("EXPIRED", Map.of(0, new QueueRange(9, 9)), Map.of())));
        assertThat(verdict.drained()).isFalse();
        assertThat(verdict.reason()).isEqualTo("TopicWithoutConsumer");
        assertThat(verdict.unread()).containsExactly(Map.entry("ORPHAN", 7L));
        assertThat(verdict.describe("g")).isEqualTo("g has topics with messages and no consumer group {ORPHAN=7}");
    }

    @Test
    void deadLettersNobodyReadsBlockWithAReasonOfTheirOwn() {
        var verdict = DrainJudge.judge(List.of(
                new TopicBacklog("T1", Map.of(0, new QueueRange(0, 10)), Map.of("A", Map.of(0, 10L))),
                new TopicBacklog("%DLQ%A", Map.of(0, new QueueRange(0, 3)), Map.of())));
        assertThat(verdict.drained()).isFalse();
        assertThat(verdict.reason()).isEqualTo("DeadLettersRemaining");
        assertThat(verdict.remaining()).isEqualTo(3);
        assertThat(verdict.deadLetters()).containsExactly(Map.entry("%DLQ%A", 3L));
        assertThat(verdict.unread()).isEmpty();
        assertThat(verdict.describe("g")).contains("dead letters", "%DLQ%A=3", "force");
    }

    @Test
    void aDeadLetterTopicSomeoneConsumesBlocksLikeAnyOther() {
        var verdict = DrainJudge.judge(List.of(
                new TopicBacklog("%DLQ%A", Map.of(0, new QueueRange(0, 3)), Map.of("DLQ_READER", Map.of(0, 1L)))));
        assertThat(verdict.drained()).isFalse();
        assertThat(verdict.unconsumed()).containsExactly(Map.entry("%DLQ%A", 2L));
        assertThat(verdict.deadLetters()).isEmpty();
    }
}
