package io.rocketkube.operator.model;

import io.rocketkube.crds.v1alpha1.RocketCluster;

/**
 * Names of everything the operator creates for one cluster. Every name starts with the cluster's
 * name, so any number of clusters can share a namespace.
 */
public final class Names {

    public static final int NAMESRV_PORT = 9876;
    public static final int BROKER_PORT = 10911;
    public static final int BROKER_HA_PORT = 10912;
    public static final int HTTP_PORT = 8080;

    private Names() {}

    public static String nameServer(RocketCluster cluster) {
        return cluster.getMetadata().getName() + "-namesrv";
    }

    /** The headless Service brokers resolve, to every ready NameServer pod. */
    public static String nameServerHeadless(RocketCluster cluster) {
        return nameServer(cluster) + "-headless";
    }

    /** Broker name of group {@code ordinal}; also its StatefulSet, headless Service and PDB. */
    public static String brokerGroup(RocketCluster cluster, int ordinal) {
        return brokerGroup(cluster.getMetadata().getName(), ordinal);
    }

    public static String brokerGroup(String clusterName, int ordinal) {
        return clusterName + "-broker-" + ordinal;
    }

    public static String brokerConfig(RocketCluster cluster) {
        return cluster.getMetadata().getName() + "-broker-config";
    }

    /** The ConfigMap of the NameServers' declared KV config. */
    public static String nameServerKv(RocketCluster cluster) {
        return nameServer(cluster) + "-kv";
    }

    public static String brokerPod(String group, int ordinal) {
        return group + "-" + ordinal;
    }

    /** Address brokers register with: the headless Service, re-resolved by the broker. */
    public static String nameServerAddressForBrokers(RocketCluster cluster) {
        return nameServerHeadless(cluster) + "." + cluster.getMetadata().getNamespace() + ".svc:" + NAMESRV_PORT;
    }

    /** Address clients use: the ClusterIP Service. */
    public static String nameServerAddressForClients(RocketCluster cluster) {
        return nameServer(cluster) + "." + cluster.getMetadata().getNamespace() + ".svc:" + NAMESRV_PORT;
    }

    /** The group ordinal of a StatefulSet or broker name, or -1 when it is not one of ours. */
    public static int groupOrdinal(RocketCluster cluster, String groupName) {
        String prefix = cluster.getMetadata().getName() + "-broker-";
        if (!groupName.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(groupName.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Trailing StatefulSet ordinal of a pod name, or -1. */
    public static int podOrdinal(String podName) {
        int dash = podName.lastIndexOf('-');
        try {
            return dash < 0 ? -1 : Integer.parseInt(podName.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
