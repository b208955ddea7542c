package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollPlannerTest {

    private static final long LIMIT = 1000;

    /** A group of {@code replicas} pods; pods listed in {@code old} run hash "old", the rest "new". */
    private static GroupState group(int ordinal, int replicas, List<Integer> old, List<Integer> notReady, Long lag) {
        String name = "c-broker-" + ordinal;
        List<PodState> pods = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            pods.add(new PodState(
                    name + "-" + i, i, old.contains(i) ? "old" : "new", !notReady.contains(i), "127.0.0." + i));
        }
        return new GroupState(ordinal, name, "new", replicas, pods, true, lag);
    }

    @Test
    void nothingToDoWhenEveryPodIsCurrent() {
        assertThat(RollPlanner.next(List.of(group(0, 2, List.of(), List.of(), 0L)), true, LIMIT))
                .isInstanceOf(RollStep.Idle.class);
    }

    @Test
    void nameServersRollFirst() {
        assertThat(RollPlanner.next(List.of(group(0, 2, List.of(0, 1), List.of(), 0L)), false, LIMIT))
                .isEqualTo(new RollStep.Wait("c-broker-0", "waiting for the NameServers to finish rolling"));
    }

    @Test
    void slavesGoFirstHighestOrdinalFirst() {
        RollStep step = RollPlanner.next(List.of(group(0, 3, List.of(0, 1, 2), List.of(), 0L)), true, LIMIT);
        assertThat(step).isInstanceOfSatisfying(RollStep.Restart.class, r -> {
            assertThat(r.pod()).isEqualTo("c-broker-0-2");
            assertThat(r.master()).isFalse();
        });
        step = RollPlanner.next(List.of(group(0, 3, List.of(0, 1), List.of(), 0L)), true, LIMIT);
        assertThat(step)
                .isInstanceOfSatisfying(
                        RollStep.Restart.class, r -> assertThat(r.pod()).isEqualTo("c-broker-0-1"));
    }

    @Test
    void nextSlaveWaitsUntilThePreviousOneIsReady() {
        RollStep step = RollPlanner.next(List.of(group(0, 3, List.of(0, 1), List.of(2), 0L)), true, LIMIT);
        assertThat(step)
                .isInstanceOfSatisfying(
                        RollStep.Wait.class,
                        w -> assertThat(w.reason()).contains("every pod of c-broker-0 to be ready (2/3)"));
    }

    @Test
    void masterWaitsUntilSlavesAreCaughtUp() {
        assertThat(RollPlanner.next(List.of(group(0, 2, List.of(0), List.of(), 5000L)), true, LIMIT))
                .isInstanceOfSatisfying(
                        RollStep.Wait.class, w -> assertThat(w.reason()).contains("5000 bytes behind (limit 1000)"));
        assertThat(RollPlanner.next(List.of(group(0, 2, List.of(0), List.of(), null)), true, LIMIT))
                .isInstanceOfSatisfying(
                        RollStep.Wait.class, w -> assertThat(w.reason()).contains("replication lag"));
        assertThat(RollPlanner.next(List.of(group(0, 2, List.of(0), List.of(), 999L)), true, LIMIT))
                .isInstanceOfSatisfying(RollStep.Restart.class, r -> {
                    assertThat(r.pod()).isEqualTo("c-broker-0-0");
                    assertThat(r.master()).isTrue();
                });
    }

    @Test
    void aGroupWithoutSlavesRestartsItsMasterDirectly() {
        assertThat(RollPlanner.next(List.of(group(0, 1, List.of(0), List.of(), null)), true, LIMIT))
                .isInstanceOfSatisfying(
                        RollStep.Restart.class, r -> assertThat(r.pod()).isEqualTo("c-broker-0-0"));
    }

    @Test
    void oneGroupAtATimeInOrdinalOrder() {
        GroupState first = group(0, 2, List.of(0, 1), List.of(), 0L);
        GroupState second = group(1, 2, List.of(0, 1), List.of(), 0L);
        assertThat(RollPlanner.next(List.of(second, first), true, LIMIT))
                .isInstanceOfSatisfying(
                        RollStep.Restart.class, r -> assertThat(r.group()).isEqualTo("c-broker-0"));
        // Group 0 is current but its master is still recovering: group 1 waits.
        GroupState recovering = group(0, 2, List.of(), List.of(0), 0L);
        assertThat(RollPlanner.next(List.of(recovering, second), true, LIMIT))
                .isInstanceOfSatisfying(
                        RollStep.Wait.class,
                        w -> assertThat(w.reason()).contains("c-broker-0 to be ready and registered"));
        GroupState unregistered = new GroupState(
                0, "c-broker-0", "new", 2, group(0, 2, List.of(), List.of(), 0L).pods(), false, 0L);
        assertThat(RollPlanner.next(List.of(unregistered, second), true, LIMIT)).isInstanceOf(RollStep.Wait.class);
    }

    @Test
    void aPodThatFailedOnAnOutdatedConfigurationIsReplacedWithoutWaiting() {
        List<PodState> pods = List.of(
                new PodState("c-broker-0-0", 0, "new", true, "127.0.0.1"),
                new PodState("c-broker-0-1", 1, "bad", false, null, "c-broker-0-1: container broker CrashLoopBackOff"));
        GroupState reverted = new GroupState(0, "c-broker-0", "new", 2, pods, true, null);
        // The NameServers still rolling and the lag unknown hold back every other step, not this one.
        assertThat(RollPlanner.next(List.of(reverted), false, LIMIT))
                .isInstanceOfSatisfying(RollStep.Replace.class, r -> {
                    assertThat(r.pod()).isEqualTo("c-broker-0-1");
                    assertThat(r.reason()).contains("CrashLoopBackOff");
                });
    }

    @Test
    void aStalePodNotReadyForNoKnownReasonIsWaitedFor() {
        // Starting, or unready while the NameServers are out: no trouble known, so the gates apply.
        RollStep step = RollPlanner.next(List.of(group(0, 2, List.of(0, 1), List.of(1), 0L)), true, LIMIT);
        assertThat(step).isInstanceOf(RollStep.Wait.class);
    }

    @Test
    void aFailedPodOnTheCurrentConfigurationIsLeftAlone() {
        List<PodState> pods = List.of(
                new PodState("c-broker-0-0", 0, "new", true, "127.0.0.1"),
                new PodState("c-broker-0-1", 1, "new", false, null, "c-broker-0-1: container broker CrashLoopBackOff"));
        assertThat(RollPlanner.next(List.of(new GroupState(0, "c-broker-0", "new", 2, pods, true, 0L)), true, LIMIT))
                .isInstanceOf(RollStep.Idle.class);
    }
}
