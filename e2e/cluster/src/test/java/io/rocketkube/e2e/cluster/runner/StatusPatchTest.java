package io.rocketkube.e2e.cluster.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

/**
 * A status written twice reads back as the second one, lists included, on the same fabric8 CRUD
 * mock the stand-in serves (a merge patch would append the lists: a restarted container's pod
 * kept {@code containerStatuses[0].restartCount} 0 and a stale {@code Ready=True}).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class StatusPatchTest {

    KubernetesClient client;

    @Test
    void aSecondStatusReplacesTheFirstListsIncluded() {
        client.pods()
                .inNamespace("ns")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("p")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("c")
                        .withImage("i")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        var pod = client.pods().inNamespace("ns").withName("p");

        StatusPatch.replace(pod, status(true, 0));
        StatusPatch.replace(pod, status(false, 1));

        Pod read = pod.get();
        assertThat(read.getStatus().getConditions())
                .hasSize(1)
                .allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("False"));
        assertThat(read.getStatus().getContainerStatuses()).hasSize(1);
        assertThat(read.getStatus().getContainerStatuses().get(0).getRestartCount())
                .isEqualTo(1);
        assertThat(read.getStatus().getPodIPs()).hasSize(1);
        assertThat(read.getSpec().getContainers()).hasSize(1);
    }

    private static PodStatus status(boolean ready, int restarts) {
        return new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("127.0.0.9")
                .addNewPodIP()
                .withIp("127.0.0.9")
                .endPodIP()
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .addNewContainerStatus()
                .withName("c")
                .withReady(ready)
                .withRestartCount(restarts)
                .endContainerStatus()
                .build();
    }
}
