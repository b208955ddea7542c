package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every object a valid RocketCluster asks for, built with no access to the cluster.
 *
 * @param groups the objects of each wanted group, by group ordinal
 * @param nameServerKv the NameServers' declared KV config, mounted as their seed file
 */
public record DesiredCluster(
        Deployment nameServers,
        Service nameServerHeadless,
        Service nameServerClient,
        PodDisruptionBudget nameServerBudget,
        ConfigMap brokerConfig,
        Map<Integer, Group> groups,
        ConfigMap nameServerKv) {

    /** One broker group's objects. */
    public record Group(String name, StatefulSet statefulSet, Service service, PodDisruptionBudget budget) {

        public String configHash() {
            return statefulSet
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getAnnotations()
                    .get(ConfigHash.ANNOTATION);
        }
    }

    public static DesiredCluster of(RocketCluster cluster, OperatorSettings settings) {
        ConfigMap brokerConfig = BrokerConfigMap.desired(cluster);
        Map<Integer, Group> groups = new LinkedHashMap<>();
        for (int ordinal = 0; ordinal < cluster.getSpec().getBroker().getGroups(); ordinal++) {
            String name = Names.brokerGroup(cluster, ordinal);
            groups.put(
                    ordinal,
                    new Group(
                            name,
                            BrokerStatefulSet.desired(cluster, ordinal, brokerConfig, settings),
                            BrokerGroupService.desired(cluster, name),
                            DisruptionBudgets.group(cluster, name)));
        }
        return new DesiredCluster(
                NameServerDeployment.desired(cluster, settings),
                NameServerServices.headless(cluster),
                NameServerServices.client(cluster),
                DisruptionBudgets.nameServers(cluster),
                brokerConfig,
                groups,
                NameServerKvConfigMap.desired(cluster));
    }

    public String nameServerHash() {
        return nameServers
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ConfigHash.ANNOTATION);
    }
}
