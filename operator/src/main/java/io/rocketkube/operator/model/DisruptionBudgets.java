package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.Map;

/**
 * PodDisruptionBudgets: node drains take at most one NameServer, and at most one pod of each broker
 * group, at a time, so a group never loses master and slave together.
 */
public final class DisruptionBudgets {

    private DisruptionBudgets() {}

    public static PodDisruptionBudget nameServers(RocketCluster cluster) {
        return budget(cluster, Names.nameServer(cluster), Labels.nameServerSelector(cluster));
    }

    public static PodDisruptionBudget group(RocketCluster cluster, String group) {
        return budget(cluster, group, Labels.groupSelector(cluster, group));
    }

    private static PodDisruptionBudget budget(RocketCluster cluster, String name, Map<String, String> selector) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Metadata.owned(cluster, name, selector))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .endSpec()
                .build();
    }
}
