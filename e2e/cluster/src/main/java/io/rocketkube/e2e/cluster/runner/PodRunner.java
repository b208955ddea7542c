package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plays the parts of Kubernetes that fabric8's CRUD mock lacks, level-triggered: every
 * syncInterval it lists the store (all namespaces) and lets the StatefulSet and Deployment
 * controllers create and delete Pods and claims, the provisioner bind and remove claim
 * directories, the kubelet start and stop pod processes and write their status, and cluster DNS
 * rewrite the hosts file. Polling instead of watching because the mock's watches replay every
 * object on each reconnect, and a full list of a test cluster costs a few milliseconds.
 *
 * <p>One sync thread; probes run on the kubelet's own pool. {@link #close} stops every pod process
 * (SIGTERM, then SIGKILL after its grace period) and waits for them.
 */
public final class PodRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PodRunner.class.getName());

    private final KubernetesClient client;
    private final ClaimStore claims;
    private final Kubelet kubelet;
    private final StatefulSetController statefulSets;
    private final DeploymentController deployments;
    private final HostsFile hosts;
    private final RunnerOptions options;
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(Kubelet.daemon("sync"));

    public PodRunner(KubernetesClient client, RunnerOptions options) {
        this.client = client;
        this.options = options;
        this.claims = new ClaimStore(client, options.dataDir());
        this.kubelet = new Kubelet(client, options, claims);
        this.statefulSets = new StatefulSetController(client, kubelet);
        this.deployments = new DeploymentController(client);
        this.hosts = new HostsFile(options.hostsFile());
        hosts.update(List.of(), List.of(), Map.of());
    }

    public PodRunner start() {
        long millis = options.syncInterval().toMillis();
        sync.scheduleWithFixedDelay(this::syncSafely, 0, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    public Path hostsFile() {
        return hosts.path();
    }

    /** The PID of a pod's current container process, or -1. */
    public long pid(String namespace, String pod) {
        PodProcess process = kubelet.process(namespace, pod);
        return process == null ? -1 : process.pid();
    }

    /** The loopback address of a running pod, or null. */
    public String podIp(String namespace, String pod) {
        PodProcess process = kubelet.process(namespace, pod);
        return process == null ? null : process.ip();
    }

    private void syncSafely() {
        try {
            syncOnce();
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            LOG.log(Level.WARNING, "sync failed; retrying", e);
        }
    }

    private void syncOnce() {
        Map<String, Boolean> ready = kubelet.readiness();
        List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
        List<PersistentVolumeClaim> pvcs =
                client.persistentVolumeClaims().inAnyNamespace().list().getItems();
        statefulSets.sync(client.apps().statefulSets().inAnyNamespace().list().getItems(), pods, pvcs, ready);
        deployments.sync(client.apps().deployments().inAnyNamespace().list().getItems(), pods, ready);
        pods = client.pods().inAnyNamespace().list().getItems();
        pvcs = client.persistentVolumeClaims().inAnyNamespace().list().getItems();
        claims.sync(pvcs, kubelet.claimsInUse());
        kubelet.sync(pods);
        hosts.update(client.services().inAnyNamespace().list().getItems(), pods, kubelet.readiness());
    }

    @Override
    public void close() {
        sync.shutdownNow();
        try {
            sync.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kubelet.close();
    }
}
