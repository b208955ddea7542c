package io.rocketkube.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.runtime.configuration.DurationConverter;
import io.rocketkube.broker.settings.BrokerConfig;
import io.rocketkube.crds.v1alpha1.BrokerConfigKeys;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.namesrv.NamesrvConfig;
import io.rocketkube.namesrv.kv.KvSeed;
import io.rocketkube.operator.config.OperatorSettings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the operator and the servers it runs: what the operator renders (pod
 * environment and the broker's ConfigMap) loads through the broker's and NameServer's real
 * {@code @ConfigMapping}, as SmallRye loads it at their start (with Quarkus' duration converter),
 * with unknown keys refused. A key
 * that is misspelt, removed from the broker or not rendered at all fails here, not in a pod.
 */
class ConfigContractTest {

    private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "rocketcluster.yaml");
    private static final String BROKER_ENV = "ROCKETKUBE_BROKER_";
    private static final String NAMESRV_ENV = "ROCKETKUBE_NAMESRV_";
    /** What the downward API gives the pod. */
    private static final Map<String, String> FIELDS =
            Map.of("metadata.name", "orders-broker-0-1", "status.podIP", "10.1.2.3");

    private static RocketCluster example() throws IOException {
        RocketCluster cluster = new KubernetesSerialization().unmarshal(Files.readString(EXAMPLE), RocketCluster.class);
        cluster.getMetadata().setNamespace("mq");
        return cluster;
    }

    /** A cluster that sets every field of the spec, with every tunable broker key in config. */
    private static RocketCluster everyField() {
        RocketCluster cluster = Fixtures.cluster("mq", "orders", 2);
        cluster.getSpec().getBroker().setReplicasPerGroup(2);
        BrokerSpec broker = cluster.getSpec().getBroker();
        broker.setRole(BrokerSpec.BrokerRole.SYNC_MASTER);
        broker.setFlushMode(BrokerSpec.FlushMode.SYNC_FLUSH);
        broker.getSettings().setAutoCreateTopic(false);
        broker.getSettings().setAutoCreateSubscriptionGroup(false);
        broker.getSettings().setDefaultTopicQueueNums(16);
        broker.getSettings().setMaxMessageSize(1048576);
        broker.getSettings().setFileReservedHours(48);
        broker.getSettings().setCommitLogSegmentSize(268435456L);
        io.rocketkube.crds.v1alpha1.AclSpec acl = new io.rocketkube.crds.v1alpha1.AclSpec();
        acl.setSecretName("orders-acl");
        acl.setKey("acl.yml");
        broker.setAcl(acl);
        Map<String, String> config = new HashMap<>();
        BrokerConfigKeys.TUNABLE.forEach(key -> config.put(key, sample(key)));
        broker.getConfig().putAll(config);
        cluster.getSpec()
                .getNameServer()
                .getKvConfig()
                .put("ORDER_TOPIC_CONFIG", Map.of("orders-topic", "orders-broker-0:4;orders-broker-1:4"));
        return cluster;
    }

    /** A valid value of the key's type that is not its default, so that arriving is visible. */
    private static String sample(String key) {
        Class<?> type = mappingMethod(key).getReturnType();
        if (type == boolean.class) {
            return "false";
        }
        if (type == Duration.class) {
            return "7s";
        }
        return "7";
    }

    private static Method mappingMethod(String key) {
        return Stream.of(BrokerConfig.class.getMethods())
                .filter(m -> m.getParameterCount() == 0
                        && BrokerConfigKeys.toKebab(m.getName()).equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError(key + " is not in BrokerConfig"));
    }

    private static Container brokerContainer(RocketCluster cluster) {
        return BrokerStatefulSet.desired(cluster, 0, BrokerConfigMap.desired(cluster), OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    /**
     * The pod's environment as properties: ROCKETKUBE_BROKER_HA_PORT is rocketkube.broker.ha-port
     * (every key of the mappings is one kebab word list, so the mapping is one to one). Quarkus' own
     * variables are not the mapping's; any other variable is a contract break.
     */
    private static Map<String, String> environment(Container container, String prefix) {
        Map<String, String> properties = new HashMap<>();
        for (EnvVar env : container.getEnv()) {
            if (env.getName().startsWith("QUARKUS_") || env.getName().equals("JAVA_OPTS_APPEND")) {
                continue;
            }
            assertThat(env.getName())
                    .as("an environment variable of no mapping")
                    .startsWith(prefix);
            String value = env.getValueFrom() == null
                    ? env.getValue()
                    : FIELDS.get(env.getValueFrom().getFieldRef().getFieldPath());
            assertThat(value).as(env.getName()).isNotNull();
            properties.put(
                    prefix.toLowerCase().replace('_', '.')
                            + env.getName()
                                    .substring(prefix.length())
                                    .toLowerCase()
                                    .replace('_', '-'),
                    value);
        }
        return properties;
    }

    private static Map<String, String> configMap(RocketCluster cluster) throws IOException {
        Properties file = new Properties();
        file.load(new StringReader(BrokerConfigMap.desired(cluster).getData().get(BrokerConfigMap.FILE)));
        return file.stringPropertyNames().stream().collect(Collectors.toMap(k -> k, file::getProperty));
    }

    /** As the broker starts: environment variables rank above config/application.properties. */
    private static BrokerConfig loadBroker(RocketCluster cluster) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(configMap(cluster), "configmap", 260))
                .withSources(new PropertiesConfigSource(environment(brokerContainer(cluster), BROKER_ENV), "env", 300))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(BrokerConfig.class)
                .withValidateUnknown(true)
                .build();
        return config.getConfigMapping(BrokerConfig.class);
    }

    private static NamesrvConfig loadNameServer(RocketCluster cluster) {
        Container container = NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(environment(container, NAMESRV_ENV), "env", 300))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(NamesrvConfig.class)
                .withValidateUnknown(true)
                .build();
        return config.getConfigMapping(NamesrvConfig.class);
    }

    @Test
    void theValueKindOfEveryTunableKeyIsTheBrokersType() {
        assertThat(new TreeSet<>(BrokerValueKinds.keys())).isEqualTo(new TreeSet<>(BrokerConfigKeys.TUNABLE));
        for (String key : BrokerConfigKeys.TUNABLE) {
            Class<?> type = mappingMethod(key).getReturnType();
            BrokerValueKinds.Kind expected = type == Duration.class
                    ? BrokerValueKinds.Kind.DURATION
                    : type == boolean.class
                            ? BrokerValueKinds.Kind.BOOLEAN
                            : type == int.class
                                    ? BrokerValueKinds.Kind.INT
                                    : type == long.class || type == OptionalLong.class
                                            ? BrokerValueKinds.Kind.LONG
                                            : BrokerValueKinds.Kind.TEXT;
            assertThat(BrokerValueKinds.of(key))
                    .as(key + " (" + type.getSimpleName() + ")")
                    .isEqualTo(expected);
        }
    }

    @Test
    void theShippedExampleIsValidAndLoadsIntoTheBrokerAndNameServer() throws IOException {
        RocketCluster cluster = example();
        assertThat(SpecValidator.validate(cluster)).isEmpty();
        BrokerConfig broker = loadBroker(cluster);
        assertThat(broker.clusterName()).isEqualTo("orders");
        assertThat(broker.brokerName()).isEqualTo("orders-broker-0");
        assertThat(broker.podName()).contains("orders-broker-0-1");
        assertThat(broker.port()).isEqualTo(Names.BROKER_PORT);
        assertThat(broker.ioThreads()).isEqualTo(4);
        assertThat(broker.defaultTopicQueueNums()).isEqualTo(8);
        assertThat(loadNameServer(cluster).port()).isEqualTo(Names.NAMESRV_PORT);
    }

    @Test
    void aClusterThatSetsEveryFieldLoadsWithEveryValueArriving() throws Exception {
        RocketCluster cluster = everyField();
        assertThat(SpecValidator.validate(cluster)).isEmpty();
        BrokerConfig broker = loadBroker(cluster);
        assertThat(broker.role()).map(Enum::name).contains("SYNC_MASTER");
        assertThat(broker.flushMode().name()).isEqualTo("SYNC_FLUSH");
        assertThat(broker.autoCreateTopic()).isFalse();
        assertThat(broker.autoCreateSubscriptionGroup()).isFalse();
        assertThat(broker.defaultTopicQueueNums()).isEqualTo(16);
        assertThat(broker.maxMessageSize()).isEqualTo(1048576);
        assertThat(broker.fileReservedHours()).isEqualTo(48);
        assertThat(broker.commitLogSegmentSize()).isEqualTo(268435456);
        for (String key : BrokerConfigKeys.TUNABLE) {
            Object value = mappingMethod(key).invoke(broker);
            String arrived = value instanceof Duration d
                    ? d.toSeconds() + "s"
                    : value instanceof java.util.OptionalLong o
                            ? String.valueOf(o.getAsLong())
                            : value instanceof java.util.Optional<?> o
                                    ? String.valueOf(o.orElse(null))
                                    : String.valueOf(value);
            assertThat(arrived).as(key).isEqualTo(sample(key));
        }
        assertThat(broker.advertisedHost()).contains("10.1.2.3");
        assertThat(broker.storePath()).isEqualTo(BrokerEnvironment.STORE_PATH);
        assertThat(broker.aclEnable()).isTrue();
        assertThat(broker.aclFile()).contains(BrokerEnvironment.ACL_PATH + "/acl.yml");
    }

    /** The NameServer finds the seed where the ConfigMap is mounted, and its parser takes it whole. */
    @Test
    void theKvConfigReachesTheNameServerAsASeedItAccepts(@TempDir Path mount) throws IOException {
        RocketCluster cluster = everyField();
        NamesrvConfig namesrv = loadNameServer(cluster);
        assertThat(namesrv.kvSeedFile())
                .contains(Path.of(NameServerKvConfigMap.MOUNT_PATH, NameServerKvConfigMap.FILE));
        Path seed = Files.writeString(
                mount.resolve(namesrv.kvSeedFile().orElseThrow().getFileName().toString()),
                NameServerKvConfigMap.desired(cluster).getData().get(NameServerKvConfigMap.FILE));
        assertThat(KvSeed.read(seed))
                .isEqualTo(Map.of("ORDER_TOPIC_CONFIG", Map.of("orders-topic", "orders-broker-0:4;orders-broker-1:4")));
        Path empty = Files.writeString(
                mount.resolve("empty.json"),
                NameServerKvConfigMap.desired(example()).getData().get(NameServerKvConfigMap.FILE));
        assertThat(KvSeed.read(empty)).isEmpty();
    }

    @Test
    void aMisspeltKeyFailsTheBrokersMappingAndTheOperatorsValidation() {
        RocketCluster cluster = everyField();
        cluster.getSpec().getBroker().getConfig().put("send-thread-pool-nums", "8");
        assertThat(SpecValidator.validate(cluster))
                .singleElement()
                .asString()
                .startsWith("spec.broker.config key 'send-thread-pool-nums' is not a broker setting");
        assertThatThrownBy(() -> loadBroker(cluster)).hasMessageContaining("rocketkube.broker.send-thread-pool-nums");
    }

    @Test
    void theOperatorsKeyListsAreExactlyTheBrokersMapping() {
        Set<String> mapping = Stream.of(BrokerConfig.class.getMethods())
                .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && !m.isDefault())
                .map(Method::getName)
                .map(BrokerConfigKeys::toKebab)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> operator = new TreeSet<>();
        operator.addAll(BrokerConfigKeys.OWNED);
        operator.addAll(BrokerConfigKeys.TYPED);
        operator.addAll(BrokerConfigKeys.TUNABLE);
        assertThat(operator)
                .as("BrokerConfigKeys.OWNED + TYPED + TUNABLE vs BrokerConfig")
                .isEqualTo(mapping);
    }
}
