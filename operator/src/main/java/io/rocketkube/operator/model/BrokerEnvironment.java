package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.rocketkube.crds.v1alpha1.BrokerSettingsSpec;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's environment, per the broker's configuration mapping (ROCKETKUBE_BROKER_*). The
 * broker id is deliberately absent: one pod template serves the whole group, and the broker
 * derives its id from the ordinal at the end of ROCKETKUBE_BROKER_POD_NAME (0 = master).
 */
public final class BrokerEnvironment {

    public static final String STORE_PATH = "/var/lib/rocketkube/store";
    /**
     * Where the ACL Secret is mounted: a whole directory, not a subPath, because only a directory mount follows
     * the Secret's updates (the kubelet swaps a symbolic link, which the broker's reload sees).
     */
    public static final String ACL_PATH = "/etc/rocketkube/acl";
    /** The broker's ACL file path; its last element is the Secret's key (the operator reads it back from pods). */
    public static final String ACL_FILE_ENV = "ROCKETKUBE_BROKER_ACL_FILE";

    private BrokerEnvironment() {}

    public static List<EnvVar> of(RocketCluster cluster, String group) {
        BrokerSpec broker = cluster.getSpec().getBroker();
        List<EnvVar> env = new ArrayList<>();
        env.add(value("ROCKETKUBE_BROKER_CLUSTER_NAME", cluster.getMetadata().getName()));
        env.add(value("ROCKETKUBE_BROKER_BROKER_NAME", group));
        env.add(field("ROCKETKUBE_BROKER_POD_NAME", "metadata.name"));
        env.add(value("ROCKETKUBE_BROKER_ROLE", broker.getRole().name()));
        env.add(value("ROCKETKUBE_BROKER_FLUSH_MODE", broker.getFlushMode().name()));
        env.add(value("ROCKETKUBE_BROKER_STORE_PATH", STORE_PATH));
        env.add(value("ROCKETKUBE_BROKER_HOST", "0.0.0.0"));
        env.add(value("ROCKETKUBE_BROKER_PORT", String.valueOf(Names.BROKER_PORT)));
        env.add(value("ROCKETKUBE_BROKER_HA_PORT", String.valueOf(Names.BROKER_HA_PORT)));
        env.add(value("ROCKETKUBE_BROKER_NAMESRV_ADDR", Names.nameServerAddressForBrokers(cluster)));
        // Pod IPs change on restart; the broker re-registers with its new one, and clients follow the
        // NameServer's routes, so nothing else ever stores this address.
        env.add(field("ROCKETKUBE_BROKER_ADVERTISED_HOST", "status.podIP"));
        env.add(value("QUARKUS_HTTP_HOST", "0.0.0.0"));
        env.add(value("QUARKUS_HTTP_PORT", String.valueOf(Names.HTTP_PORT)));
        typed(env, broker.getSettings());
        if (broker.getAcl() != null) {
            env.add(value("ROCKETKUBE_BROKER_ACL_ENABLE", "true"));
            env.add(value(ACL_FILE_ENV, ACL_PATH + "/" + broker.getAcl().getKey()));
        }
        return env;
    }

    private static void typed(List<EnvVar> env, BrokerSettingsSpec settings) {
        if (settings == null) {
            return;
        }
        optional(env, "AUTO_CREATE_TOPIC", settings.getAutoCreateTopic());
        optional(env, "AUTO_CREATE_SUBSCRIPTION_GROUP", settings.getAutoCreateSubscriptionGroup());
        optional(env, "DEFAULT_TOPIC_QUEUE_NUMS", settings.getDefaultTopicQueueNums());
        optional(env, "MAX_MESSAGE_SIZE", settings.getMaxMessageSize());
        optional(env, "FILE_RESERVED_HOURS", settings.getFileReservedHours());
        optional(env, "COMMIT_LOG_SEGMENT_SIZE", settings.getCommitLogSegmentSize());
    }

    private static void optional(List<EnvVar> env, String key, Object value) {
        if (value != null) {
            env.add(value("ROCKETKUBE_BROKER_" + key, String.valueOf(value)));
        }
    }

    private static EnvVar value(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar field(String name, String path) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewFieldRef()
                .withApiVersion("v1")
                .withFieldPath(path)
                .endFieldRef()
                .endValueFrom()
                .build();
    }
}
