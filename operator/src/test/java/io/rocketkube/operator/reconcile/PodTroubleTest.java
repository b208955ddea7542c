package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodTroubleTest {

    @Test
    void crashLoopSaysSoWithRestarts() {
        Pod pod = pod("Running")
                .editStatus()
                .addNewContainerStatus()
                .withName("broker")
                .withRestartCount(7)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 5m0s")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();

        assertThat(PodTrouble.of(pod, List.of()))
                .contains("c-broker-0-0: container broker CrashLoopBackOff (back-off 5m0s), 7 restarts");
    }

    @Test
    void imagePullFailureSaysSo() {
        Pod pod = pod("Pending")
                .editStatus()
                .addNewContainerStatus()
                .withName("broker")
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason("ImagePullBackOff")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();

        assertThat(PodTrouble.of(pod, List.of())).contains("c-broker-0-0: container broker ImagePullBackOff");
    }

    @Test
    void pendingClaimIsNamed() {
        Pod pod = pod("Pending")
                .editSpec()
                .addNewVolume()
                .withName("store")
                .withNewPersistentVolumeClaim()
                .withClaimName("store-c-broker-0-0")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build();
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("store-c-broker-0-0")
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build();

        assertThat(PodTrouble.of(pod, List.of(claim)))
                .contains("c-broker-0-0: Pending, claim not bound: store-c-broker-0-0 (Pending)");
    }

    @Test
    void unschedulableGivesTheSchedulersMessage() {
        Pod pod = pod("Pending")
                .editStatus()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/3 nodes: Insufficient cpu")
                .endCondition()
                .endStatus()
                .build();

        assertThat(PodTrouble.of(pod, List.of())).contains("c-broker-0-0: Unschedulable (0/3 nodes: Insufficient cpu)");
    }

    @Test
    void startingPodHasNoTrouble() {
        Pod pod = pod("Pending")
                .editStatus()
                .addNewContainerStatus()
                .withName("broker")
                .withNewState()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();

        assertThat(PodTrouble.of(pod, List.of())).isEmpty();
    }

    @Test
    void groupStatusMessageCarriesThePodsReason() {
        Pod pod = pod("Running")
                .editStatus()
                .addNewContainerStatus()
                .withName("broker")
                .withRestartCount(3)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
        GroupState group = new GroupState(0, "c-broker-0", "h", 1, List.of(PodState.of(pod, List.of())), false, null);

        assertThat(group.trouble()).isEqualTo("c-broker-0-0: container broker CrashLoopBackOff, 3 restarts");
    }

    private static PodBuilder pod(String phase) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("c-broker-0-0")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus();
    }
}
