package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.AdminCredentials;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.model.BrokerEnvironment;
import io.rocketkube.operator.model.BrokerStatefulSet;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells {@link BrokerCredentials} which admin account signs the operator's requests to each broker pod of a
 * cluster: the admin account with the smallest access key in the ACL file of the Secret that pod mounts (the same
 * account its slaves sign with). Per pod, not per spec: while a roll adds, renames or removes
 * {@code spec.broker.acl}, the pods not yet replaced still run with their old file.
 *
 * <p>The Secrets are read with a GET at every reconciliation (no list or watch of every Secret of the cluster),
 * so new keys are used from the next one on. A Secret that is missing, lacks its key, does not parse, holds an
 * account the brokers refuse or has no admin account is reported once per distinct problem as a Warning Event
 * (AclCredentialsUnavailable, never quoting the file); the last keys read from it, if any, stay in use, since the
 * brokers also keep their last good file; with none, the requests go unsigned and are refused unless the
 * operator's address is in {@code globalWhiteRemoteAddresses}, and the roll or drain waits, as for a broker that
 * does not answer.
 */
final class AdminSigning {

    static final String UNAVAILABLE = "AclCredentialsUnavailable";

    /** A key of a Secret in a namespace. */
    record SecretKey(String namespace, String name, String key) {
        @Override
        public String toString() {
            return "Secret " + name + " key " + key;
        }
    }

    private final BrokerCredentials credentials;
    private final EventRecorder events;
    /** By Secret key, the admin account last read from it. */
    private final Map<SecretKey, AdminCredentials> lastGood = new ConcurrentHashMap<>();
    /** By cluster uid, the problems last reported, so that a persisting one is told once. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    AdminSigning(BrokerCredentials credentials, EventRecorder events) {
        this.credentials = credentials;
        this.events = events;
    }

    void refresh(KubernetesClient client, RocketCluster cluster, ClusterObservation seen) {
        String namespace = cluster.getMetadata().getNamespace();
        Map<SecretKey, Optional<AdminCredentials>> read = new LinkedHashMap<>();
        TreeSet<String> problems = new TreeSet<>();
        // An invalid spec may lack the broker section; the pods' mounted Secrets still sign.
        AclSpec acl = cluster.getSpec() == null || cluster.getSpec().getBroker() == null
                ? null
                : cluster.getSpec().getBroker().getAcl();
        if (acl != null) {
            // The Secret the next pods mount: a problem with it is worth telling before any pod runs with it.
            SecretKey wanted = new SecretKey(namespace, acl.getSecretName(), acl.getKey());
            read.put(wanted, read(client, wanted, problems));
        }
        Map<String, Optional<AdminCredentials>> byAddress = new LinkedHashMap<>();
        for (List<Pod> pods : seen.brokerPods().values()) {
            for (Pod pod : pods) {
                if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
                    continue;
                }
                Optional<AdminCredentials> signer = mounted(pod, namespace)
                        .flatMap(secret -> read.computeIfAbsent(secret, s -> read(client, s, problems)));
                byAddress.put(BrokerObserver.brokerAddress(pod.getStatus().getPodIP()), signer);
            }
        }
        credentials.update(cluster.getMetadata().getUid(), byAddress);
        report(client, cluster, problems);
    }

    /** The Secret key whose file the pod's broker reads, if it runs with the ACL on. */
    static Optional<SecretKey> mounted(Pod pod, String namespace) {
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
            return Optional.empty();
        }
        Optional<String> secretName = pod.getSpec().getVolumes().stream()
                .filter(v -> BrokerStatefulSet.ACL_VOLUME.equals(v.getName()) && v.getSecret() != null)
                .map(Volume::getSecret)
                .map(s -> s.getSecretName())
                .findFirst();
        Optional<String> file = pod.getSpec().getContainers().stream()
                .map(Container::getEnv)
                .filter(env -> env != null)
                .flatMap(List::stream)
                .filter(e -> BrokerEnvironment.ACL_FILE_ENV.equals(e.getName()) && e.getValue() != null)
                .map(EnvVar::getValue)
                .findFirst();
        if (secretName.isEmpty() || file.isEmpty()) {
            return Optional.empty();
        }
        String path = file.get();
        return Optional.of(new SecretKey(namespace, secretName.get(), path.substring(path.lastIndexOf('/') + 1)));
    }

    private Optional<AdminCredentials> read(KubernetesClient client, SecretKey secret, TreeSet<String> problems) {
        try {
            Optional<AdminCredentials> found = AdminCredentials.signingAdmin(bytes(client, secret));
            if (found.isPresent()) {
                lastGood.put(secret, found.get());
                return found;
            }
            problems.add(secret + ": the ACL file has no account with admin: true");
            lastGood.remove(secret);
            return Optional.empty();
        } catch (IOException | KubernetesClientException e) {
            Optional<AdminCredentials> kept = Optional.ofNullable(lastGood.get(secret));
            problems.add(secret + ": " + e.getMessage()
                    + kept.map(c -> "; signing with its last good admin account " + c.accessKey())
                            .orElse(""));
            return kept;
        }
    }

    private static byte[] bytes(KubernetesClient client, SecretKey key) throws IOException {
        Secret secret = client.secrets()
                .inNamespace(key.namespace())
                .withName(key.name())
                .get();
        if (secret == null) {
            throw new IOException("does not exist; brokers that mount it cannot start");
        }
        String value = secret.getData() == null ? null : secret.getData().get(key.key());
        if (value == null) {
            throw new IOException("no such key in the Secret; brokers that mount it cannot start");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IOException("not base64");
        }
    }

    private void report(KubernetesClient client, RocketCluster cluster, TreeSet<String> problems) {
        String uid = cluster.getMetadata().getUid();
        if (problems.isEmpty()) {
            reported.remove(uid);
            return;
        }
        String message = String.join("; ", problems);
        if (!message.equals(reported.put(uid, message))) {
            events.record(
                    client,
                    cluster,
                    EventRecorder.WARNING,
                    UNAVAILABLE,
                    message + " (the operator's admin requests to those brokers go unsigned without one)");
        }
    }
}
