package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.rocketkube.crds.v1alpha1.RocketCluster;

/**
 * The headless Service of one broker group, the StatefulSet's governing Service: it gives each pod
 * the stable name {@code <pod>.<group>.<namespace>.svc}. Not-ready pods are published too, so that a
 * recovering slave and its master can find each other before either is ready.
 */
public final class BrokerGroupService {

    private BrokerGroupService() {}

    public static Service desired(RocketCluster cluster, String group) {
        return new ServiceBuilder()
                .withMetadata(Metadata.owned(cluster, group, Labels.groupSelector(cluster, group)))
                .withNewSpec()
                // Set although it is the default, so that a hand edit of the type is seen as drift.
                .withType("ClusterIP")
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.groupSelector(cluster, group))
                .withPorts(
                        new ServicePortBuilder()
                                .withName("remoting")
                                .withProtocol("TCP")
                                .withPort(Names.BROKER_PORT)
                                .withTargetPort(new IntOrString("remoting"))
                                .build(),
                        new ServicePortBuilder()
                                .withName("ha")
                                .withProtocol("TCP")
                                .withPort(Names.BROKER_HA_PORT)
                                .withTargetPort(new IntOrString("ha"))
                                .build(),
                        new ServicePortBuilder()
                                .withName("http")
                                .withProtocol("TCP")
                                .withPort(Names.HTTP_PORT)
                                .withTargetPort(new IntOrString("http"))
                                .build())
                .endSpec()
                .build();
    }
}
