package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.AdminCredentials;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.model.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells {@link BrokerCredentials} which admin account signs the operator's requests to a cluster's brokers: the
 * first admin account of the ACL file in {@code spec.broker.acl}'s Secret, read at every reconciliation (so new
 * keys are used from the next one on; the brokers re-read the file themselves). A Secret that is missing, not an
 * ACL file, or without an admin account is reported once as a Warning Event (AclCredentialsUnavailable) and the
 * requests go unsigned: they then pass only if the operator's address is in the file's
 * {@code globalWhiteRemoteAddresses}, and otherwise fail the way an unreachable broker does (rolls and drains
 * wait).
 *
 * <p>The Secret is read with a GET, not watched: the operator needs no list or watch on every Secret of the
 * cluster for this.
 */
final class AdminSigning {

    static final String UNAVAILABLE = "AclCredentialsUnavailable";

    private final BrokerCredentials credentials;
    private final EventRecorder events;
    /** By cluster uid, the problem last reported, so that a persisting one is told once. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    AdminSigning(BrokerCredentials credentials, EventRecorder events) {
        this.credentials = credentials;
        this.events = events;
    }

    void refresh(KubernetesClient client, RocketCluster cluster, ClusterObservation seen) {
        String uid = cluster.getMetadata().getUid();
        List<String> addresses = seen.brokerPods().values().stream()
                .flatMap(List::stream)
                .map(Pod::getStatus)
                .filter(status -> status != null && status.getPodIP() != null)
                .map(status -> status.getPodIP() + ":" + Names.BROKER_PORT)
                .toList();
        AclSpec acl = cluster.getSpec().getBroker().getAcl();
        if (acl == null) {
            credentials.update(uid, addresses, Optional.empty());
            reported.remove(uid);
            return;
        }
        String problem;
        Optional<AdminCredentials> found = Optional.empty();
        try {
            found = read(client, cluster, acl);
            problem = found.isPresent()
                    ? null
                    : "the ACL file in Secret " + acl.getSecretName() + " has no account with admin: true;"
                            + " the operator's admin requests go unsigned";
        } catch (IOException | KubernetesClientException e) {
            problem = e.getMessage() + "; the operator's admin requests go unsigned";
        }
        credentials.update(uid, addresses, found);
        if (problem == null) {
            reported.remove(uid);
        } else if (!problem.equals(reported.put(uid, problem))) {
            events.record(client, cluster, EventRecorder.WARNING, UNAVAILABLE, problem);
        }
    }

    private static Optional<AdminCredentials> read(KubernetesClient client, RocketCluster cluster, AclSpec acl)
            throws IOException {
        Secret secret = client.secrets()
                .inNamespace(cluster.getMetadata().getNamespace())
                .withName(acl.getSecretName())
                .get();
        if (secret == null) {
            throw new IOException("Secret " + acl.getSecretName() + " (spec.broker.acl.secretName) does not exist;"
                    + " the brokers cannot start without it");
        }
        byte[] file = null;
        if (secret.getData() != null && secret.getData().get(acl.getKey()) != null) {
            try {
                file = Base64.getDecoder().decode(secret.getData().get(acl.getKey()));
            } catch (IllegalArgumentException e) {
                throw new IOException("Secret " + acl.getSecretName() + " key " + acl.getKey() + " is not base64");
            }
        } else if (secret.getStringData() != null && secret.getStringData().get(acl.getKey()) != null) {
            file = secret.getStringData().get(acl.getKey()).getBytes(StandardCharsets.UTF_8);
        }
        if (file == null) {
            throw new IOException("Secret " + acl.getSecretName() + " has no key " + acl.getKey()
                    + " (spec.broker.acl.key); the brokers cannot start without it");
        }
        try {
            return AdminCredentials.firstAdmin(file);
        } catch (IOException e) {
            throw new IOException("Secret " + acl.getSecretName() + " key " + acl.getKey() + " is not an ACL file: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
