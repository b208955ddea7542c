package io.rocketkube.e2e.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatusTest {

    @Test
    void parsesVmRss() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 4000000 kB", "VmRSS:\t  123456 kB", "Threads:\t42");
        assertThat(ProcStatus.parseKib(status, "VmRSS:")).isEqualTo(123_456L);
    }

    @Test
    void rejectsAMissingField() {
        assertThatThrownBy(() -> ProcStatus.parseKib(List.of("Name:\tjava"), "VmRSS:"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsThisJvmsResidentMemory() {
        assertThat(ProcStatus.vmRssKib(ProcessHandle.current().pid())).isGreaterThan(10_000L);
    }
}
