package io.rocketkube.operator.model;

import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels and selectors. Selectors use only labels that never change for the life of an object,
 * because StatefulSet and Deployment selectors are immutable.
 */
public final class Labels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String BROKER_GROUP = "rocketkube.io/broker-group";

    public static final String APP = "rocketkube";
    public static final String OPERATOR = "rocketkube-operator";
    public static final String NAMESRV = "namesrv";
    public static final String BROKER = "broker";

    /** Selects every object this operator manages, in any cluster; the informers watch only these. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {}

    public static Map<String, String> nameServerSelector(RocketCluster cluster) {
        return selector(cluster, NAMESRV);
    }

    public static Map<String, String> brokerSelector(RocketCluster cluster) {
        return selector(cluster, BROKER);
    }

    public static Map<String, String> groupSelector(RocketCluster cluster, String group) {
        Map<String, String> labels = brokerSelector(cluster);
        labels.put(BROKER_GROUP, group);
        return labels;
    }

    /** The selector plus the managed-by label, for object metadata and pod templates. */
    public static Map<String, String> managed(Map<String, String> selector) {
        Map<String, String> labels = new LinkedHashMap<>(selector);
        labels.put(MANAGED_BY, OPERATOR);
        return labels;
    }

    /** A label map as a selector string, in the form kubectl and the scale subresource use. */
    public static String asString(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        labels.forEach((k, v) ->
                out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    private static Map<String, String> selector(RocketCluster cluster, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, APP);
        labels.put(INSTANCE, cluster.getMetadata().getName());
        labels.put(COMPONENT, component);
        return labels;
    }
}
