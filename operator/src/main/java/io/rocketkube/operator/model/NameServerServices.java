package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.rocketkube.crds.v1alpha1.RocketCluster;

/** The two NameServer Services: headless for brokers, ClusterIP for clients. */
public final class NameServerServices {

    private NameServerServices() {}

    /**
     * Resolves to every NameServer pod that has an IP, ready or not. Brokers re-resolve it and register with
     * all of them, so adding or removing NameServers changes DNS, not the brokers' configuration.
     *
     * <p>Not-ready pods are published because a broker's first lookup comes while the NameServers are still
     * starting: with ready pods only, the name has no record then, and the NXDOMAIN is cached (by the JVM for
     * {@code networkaddress.cache.negative.ttl}, 10 s, and by the cluster DNS for its negative TTL), so the
     * broker's retries keep failing after the NameServers are up. Published early, a registration with a
     * NameServer not yet listening is refused and retried, which nothing caches; a new NameServer also gets
     * the brokers' registrations before it is Ready for clients. Clients use the ClusterIP Service, which
     * keeps to ready pods.
     */
    public static Service headless(RocketCluster cluster) {
        return new ServiceBuilder()
                .withMetadata(
                        Metadata.owned(cluster, Names.nameServerHeadless(cluster), Labels.nameServerSelector(cluster)))
                .withNewSpec()
                // Set although it is the default, so that a hand edit of the type is seen as drift.
                .withType("ClusterIP")
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.nameServerSelector(cluster))
                .withPorts(remoting())
                .endSpec()
                .build();
    }

    /** One stable virtual IP for clients; they fetch routes from any NameServer. */
    public static Service client(RocketCluster cluster) {
        return new ServiceBuilder()
                .withMetadata(Metadata.owned(cluster, Names.nameServer(cluster), Labels.nameServerSelector(cluster)))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.nameServerSelector(cluster))
                .withPorts(
                        remoting(),
                        new ServicePortBuilder()
                                .withName("http")
                                .withProtocol("TCP")
                                .withPort(Names.HTTP_PORT)
                                .withTargetPort(new IntOrString("http"))
                                .build())
                .endSpec()
                .build();
    }

    private static ServicePort remoting() {
        return new ServicePortBuilder()
                .withName("remoting")
                .withProtocol("TCP")
                .withPort(Names.NAMESRV_PORT)
                .withTargetPort(new IntOrString("remoting"))
                .build();
    }
}
