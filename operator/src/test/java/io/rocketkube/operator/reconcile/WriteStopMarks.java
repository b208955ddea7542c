package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** The write-stop mark {@link MasterWriteStop} leaves on a master's data claim, as the tests read it. */
final class WriteStopMarks {
    private WriteStopMarks() {}

    /** The mark on the claim {@code pod} mounts, or null when there is none. */
    static String of(KubernetesClient client, String namespace, String pod) {
        Map<String, String> annotations =
                client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                        .filter(c -> c.getMetadata().getName().endsWith("-" + pod))
                        .findFirst()
                        .orElseThrow()
                        .getMetadata()
                        .getAnnotations();
        return annotations == null ? null : annotations.get(MasterWriteStop.ANNOTATION);
    }
}
