package io.rocketkube.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"T", "TopicTest", "%RETRY%CG_1", "%DLQ%cg-2", "a|b", "TBW102", "rmq_sys_X"})
    void legalNamesPass(String name) {
        assertThat(TopicNames.problem(name)).isNull();
        assertThat(TopicNames.groupProblem(name)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "x/../../..",
                "..",
                ".",
                "../../config/topics.rkc",
                "a b",
                "a\\b",
                "a:b",
                "caf\u00e9",
                "a\u0000b",
                "a.b",
                "%RETRY%x/.."
            })
    void pathLikeAndOtherIllegalNamesAreRefused(String name) {
        assertThat(TopicNames.problem(name)).contains("illegal characters");
        assertThat(TopicNames.groupProblem(name)).contains("illegal characters");
    }

    @Test
    void blankAndOverlongNamesAreRefused() {
        assertThat(TopicNames.problem(null)).contains("blank");
        assertThat(TopicNames.problem(" ")).contains("blank");
        assertThat(TopicNames.groupProblem("")).contains("blank");
        assertThat(TopicNames.problem("t".repeat(127))).isNull();
        assertThat(TopicNames.problem("t".repeat(128))).contains("max length 127");
        assertThat(TopicNames.groupProblem("g".repeat(255))).isNull();
        assertThat(TopicNames.groupProblem("g".repeat(256))).contains("max length 255");
    }
}
