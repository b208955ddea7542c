package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.rocketkube.crds.v1alpha1.BrokerConfigKeys;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker ConfigMap: {@code spec.broker.config} as an {@code application.properties} that the
 * broker reads from {@code /deployments/config} (Quarkus reads {@code config/application.properties}
 * under its working directory). Environment variables rank above that file in Quarkus, so the
 * settings the operator sets as variables always win.
 */
public final class BrokerConfigMap {

    public static final String FILE = "application.properties";
    public static final String MOUNT_PATH = "/deployments/config";
    static final String PREFIX = "rocketkube.broker.";

    private BrokerConfigMap() {}

    public static ConfigMap desired(RocketCluster cluster) {
        return new ConfigMapBuilder()
                .withMetadata(Metadata.owned(cluster, Names.brokerConfig(cluster), Labels.brokerSelector(cluster)))
                .addToData(FILE, properties(cluster.getSpec().getBroker().getConfig()))
                .build();
    }

    /** Sorted, so that the same map always gives the same file and the same configuration hash. */
    static String properties(Map<String, String> config) {
        StringBuilder out = new StringBuilder(
                "# Written by the RocketKube operator from" + " spec.broker.config; edits here are overwritten.\n");
        Map<String, String> sorted = new TreeMap<>();
        if (config != null) {
            config.forEach((k, v) -> sorted.put(BrokerConfigKeys.toKebab(k), v));
        }
        sorted.forEach((k, v) ->
                out.append(PREFIX).append(k).append('=').append(escape(v)).append('\n'));
        return out.toString();
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
