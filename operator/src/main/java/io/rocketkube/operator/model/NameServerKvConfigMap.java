package io.rocketkube.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.Map;
import java.util.TreeMap;

/**
 * The NameServers' declared KV config: {@code spec.nameServer.kvConfig} as the JSON seed file the
 * NameServer puts over its stored KV config at every start ({@code rocketkube.namesrv.kv-seed-file}).
 * The NameServer's data dir is an {@code emptyDir}, so this file, not {@code kv-config.dat}, is
 * what survives a pod's replacement. Its content is part of the NameServer config hash, so a change
 * rolls the NameServers one at a time.
 *
 * <pre>
 * data:
 *   kv-seed.json: {"ORDER_TOPIC_CONFIG":{"TopicA":"broker-a:4"}}   (namespaces and keys sorted)
 * </pre>
 */
public final class NameServerKvConfigMap {

    public static final String FILE = "kv-seed.json";
    public static final String MOUNT_PATH = "/etc/rocketkube/namesrv-kv";
    /** Sorted, so the same map always gives the same file and the same configuration hash. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private NameServerKvConfigMap() {}

    public static ConfigMap desired(RocketCluster cluster) {
        return new ConfigMapBuilder()
                .withMetadata(Metadata.owned(cluster, Names.nameServerKv(cluster), Labels.nameServerSelector(cluster)))
                .addToData(FILE, json(cluster.getSpec().getNameServer().getKvConfig()))
                .build();
    }

    /** The path the NameServer reads the seed from. */
    static String seedFile() {
        return MOUNT_PATH + "/" + FILE;
    }

    static String json(Map<String, Map<String, String>> kvConfig) {
        Map<String, Map<String, String>> sorted = new TreeMap<>();
        if (kvConfig != null) {
            kvConfig.forEach(
                    (namespace, entries) -> sorted.put(namespace, entries == null ? Map.of() : new TreeMap<>(entries)));
        }
        try {
            return JSON.writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
