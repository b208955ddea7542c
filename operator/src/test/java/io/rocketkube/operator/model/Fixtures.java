package io.rocketkube.operator.model;

import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterSpec;

/** Custom resources for builder tests, with the fields the API server would have filled in. */
public final class Fixtures {

    private Fixtures() {}

    public static RocketCluster cluster(String namespace, String name, int groups) {
        RocketCluster cluster = new RocketCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(namespace);
        cluster.getMetadata().setUid("uid-" + name);
        cluster.getMetadata().setGeneration(1L);
        RocketClusterSpec spec = new RocketClusterSpec();
        spec.setVersion("0.1.0");
        spec.getBroker().setGroups(groups);
        cluster.setSpec(spec);
        return cluster;
    }
}
