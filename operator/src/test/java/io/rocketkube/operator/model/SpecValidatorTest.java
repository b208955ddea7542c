package io.rocketkube.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    private final RocketCluster cluster = Fixtures.cluster("prod", "orders", 2);

    @Test
    void aDefaultSpecIsValid() {
        assertThat(SpecValidator.validate(cluster)).isEmpty();
    }

    @Test
    void everyProblemIsReportedWithItsField() {
        cluster.getSpec().setVersion("bad tag!");
        cluster.getSpec().getNameServer().setReplicas(0);
        cluster.getSpec().getBroker().setGroups(0);
        cluster.getSpec().getBroker().setReplicasPerGroup(1);
        cluster.getSpec().getBroker().setRole(BrokerSpec.BrokerRole.SYNC_MASTER);
        cluster.getSpec().getBroker().getStorage().setSize("ten gigs");
        assertThat(SpecValidator.validate(cluster))
                .containsExactly(
                        "spec.version is required and must be an image tag, for example 0.1.0",
                        "spec.nameServer.replicas must be between 1 and 9",
                        "spec.broker.groups must be between 1 and 64",
                        "role SYNC_MASTER needs at least one slave: set replicasPerGroup to 2 or more",
                        "spec.broker.storage.size must be a quantity such as 50Gi, not 'ten gigs'");
    }

    @Test
    void configKeysTheOperatorOwnsOrTypesAreRejectedInEitherSpelling() {
        cluster.getSpec().getBroker().getConfig().put("brokerName", "x");
        cluster.getSpec().getBroker().getConfig().put("namesrv-addr", "x");
        cluster.getSpec().getBroker().getConfig().put("autoCreateTopic", "true");
        cluster.getSpec().getBroker().getConfig().put("Bad_Key", "1");
        cluster.getSpec().getBroker().getConfig().put("ioThreads", "4");
        cluster.getSpec().getBroker().getConfig().put("client-idle-timeout", "90s");
        cluster.getSpec().getBroker().getConfig().put("sendThreadPoolNums", "8");
        assertThat(SpecValidator.validate(cluster))
                .containsExactlyInAnyOrder(
                        "spec.broker.config key 'sendThreadPoolNums' is not a broker setting; known keys: "
                                + String.join(", ", io.rocketkube.crds.v1alpha1.BrokerConfigKeys.TUNABLE),
                        "spec.broker.config key 'brokerName' is set by the operator and cannot be overridden",
                        "spec.broker.config key 'namesrv-addr' is set by the operator and cannot be overridden",
                        "spec.broker.config key 'autoCreateTopic' has a typed field: use"
                                + " spec.broker.settings.autoCreateTopic",
                        "spec.broker.config key 'Bad_Key' is not a kebab-case or camelCase name");
    }

    @Test
    void anAclNeedsASecretNameAndKeyAndOwnsTheBrokersAclKeys() {
        cluster.getSpec().getBroker().getConfig().put("aclEnable", "true");
        cluster.getSpec().getBroker().getConfig().put("acl-file", "/x");
        AclSpec acl = new AclSpec();
        acl.setKey("no/slash");
        cluster.getSpec().getBroker().setAcl(acl);
        assertThat(SpecValidator.validate(cluster))
                .containsExactlyInAnyOrder(
                        "spec.broker.config key 'aclEnable' is set from spec.broker.acl (a Secret with the ACL file)",
                        "spec.broker.config key 'acl-file' is set from spec.broker.acl (a Secret with the ACL file)",
                        "spec.broker.acl.secretName is required and must be a Secret name (lower-case letters,"
                                + " digits, '-' and '.')",
                        "spec.broker.acl.key must be a Secret key (letters, digits, '-', '_' and '.')");

        cluster.getSpec().getBroker().getConfig().clear();
        acl.setSecretName("orders..acl");
        acl.setKey("..");
        assertThat(SpecValidator.validate(cluster)).hasSize(2);
        acl.setSecretName("orders-acl.v2");
        acl.setKey(AclSpec.DEFAULT_KEY);
        assertThat(SpecValidator.validate(cluster)).isEmpty();
    }

    @Test
    void persistentStorageNeedsASize() {
        cluster.getSpec().getBroker().getStorage().setSize(null);
        assertThat(SpecValidator.validate(cluster))
                .containsExactly("storage.size is required when storage.type is persistent-claim");
    }

    @Test
    void typedSettingsAreBoundedAsInTheCrd() {
        cluster.getSpec().getBroker().getSettings().setDefaultTopicQueueNums(0);
        cluster.getSpec().getBroker().getSettings().setMaxMessageSize(10);
        cluster.getSpec().getBroker().getSettings().setFileReservedHours(0);
        cluster.getSpec().getBroker().getSettings().setCommitLogSegmentSize(1024L);
        assertThat(SpecValidator.validate(cluster))
                .containsExactly(
                        "spec.broker.settings.defaultTopicQueueNums must be between 1 and 1024, not 0",
                        "spec.broker.settings.maxMessageSize must be between 1024 and 134217728, not 10",
                        "spec.broker.settings.fileReservedHours must be at least 1, not 0",
                        "spec.broker.settings.commitLogSegmentSize must be at least 1048576, not 1024");
        cluster.getSpec().getBroker().getSettings().setDefaultTopicQueueNums(1024);
        cluster.getSpec().getBroker().getSettings().setMaxMessageSize(1024);
        cluster.getSpec().getBroker().getSettings().setFileReservedHours(1);
        cluster.getSpec().getBroker().getSettings().setCommitLogSegmentSize(1048576L);
        assertThat(SpecValidator.validate(cluster)).isEmpty();
    }

    @Test
    void aZeroSizeClaimIsRefused() {
        cluster.getSpec().getBroker().getStorage().setSize("0Gi");
        assertThat(SpecValidator.validate(cluster))
                .containsExactly("spec.broker.storage.size must be larger than zero");
    }

    @Test
    void unknownEnumValuesAndFieldsParseAndAreReportedAsInvalidWithTheirPaths() {
        // As the watch reads it: an enum value and a field that this operator's model does not know.
        RocketCluster parsed = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(
                        "{\"apiVersion\":\"rocketkube.io/v1alpha1\",\"kind\":\"RocketCluster\","
                                + "\"metadata\":{\"name\":\"x\",\"namespace\":\"n\"},\"spec\":{\"version\":\"0.1.0\","
                                + "\"futureField\":{\"a\":1},\"broker\":{\"role\":\"DLEDGER\","
                                + "\"antiAffinity\":\"strict\",\"storage\":{\"type\":\"persistent-claim\","
                                + "\"size\":\"1Gi\",\"sizee\":\"2Gi\"},\"resources\":{\"limit\":{}}},"
                                + "\"brokerr\":{\"groups\":3}}}",
                        RocketCluster.class);
        assertThat(parsed.getSpec().getBroker().getRole()).isNull();
        assertThat(parsed.getSpec().getBroker().getStorage().getType())
                .isEqualTo(StorageSpec.StorageType.PERSISTENT_CLAIM);
        assertThat(SpecValidator.validate(parsed))
                .containsExactly(
                        "spec.brokerr is not a field of RocketCluster v1alpha1 (misspelt, or from a newer CRD"
                                + " than this operator)",
                        "spec.futureField is not a field of RocketCluster v1alpha1 (misspelt, or from a newer"
                                + " CRD than this operator)",
                        "spec.broker.storage.sizee is not a field of RocketCluster v1alpha1 (misspelt, or from"
                                + " a newer CRD than this operator)",
                        "spec.broker.resources.limit is not a field of RocketCluster v1alpha1 (misspelt, or from"
                                + " a newer CRD than this operator)",
                        "spec.broker.role, flushMode and antiAffinity must be one of the listed values"
                                + " (role ASYNC_MASTER or SYNC_MASTER, flushMode ASYNC_FLUSH or SYNC_FLUSH,"
                                + " antiAffinity preferred or required)");
        // Nothing unknown is written back with the object (there is no any-getter).
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(parsed.getSpec()))
                .doesNotContain("brokerr", "futureField", "sizee");
    }

    @Test
    void kvConfigNamesAndValuesTheNameServerWouldRefuseAreReported() {
        Map<String, Map<String, String>> kv = cluster.getSpec().getNameServer().getKvConfig();
        kv.put("ORDER_TOPIC_CONFIG", new java.util.HashMap<>(Map.of("T1", "broker-a:4")));
        assertThat(SpecValidator.validate(cluster)).isEmpty();
        kv.put(" ", new java.util.HashMap<>());
        java.util.Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("T2", null);
        withNull.put("", "x");
        kv.put("OTHER", withNull);
        String longName = "N".repeat(1025);
        kv.put(longName, new java.util.HashMap<>(Map.of("k", "v")));
        kv.put("LONG_KEY", new java.util.HashMap<>(Map.of(longName, "v")));
        assertThat(SpecValidator.validate(cluster))
                .containsExactlyInAnyOrder(
                        "spec.nameServer.kvConfig has an empty namespace name",
                        "spec.nameServer.kvConfig OTHER/T2 has no value",
                        "spec.nameServer.kvConfig namespace 'OTHER' has an empty key",
                        "spec.nameServer.kvConfig namespace '" + "N".repeat(64) + "...' is longer than 1024 characters",
                        "spec.nameServer.kvConfig LONG_KEY/" + "N".repeat(64)
                                + "... has a key longer than 1024 characters");
    }

    @Test
    void aKvConfigLargerThanAConfigMapIsRefused() {
        cluster.getSpec()
                .getNameServer()
                .getKvConfig()
                .put("BIG", new java.util.HashMap<>(Map.of("k", "x".repeat(1_100_000))));
        assertThat(SpecValidator.validate(cluster))
                .singleElement()
                .asString()
                .startsWith("spec.nameServer.kvConfig is larger than a ConfigMap can hold");
    }

    @Test
    void configValuesTheBrokerCouldNotReadAreReported() {
        RocketCluster cluster = Fixtures.cluster("prod", "orders", 1);
        cluster.getSpec()
                .getBroker()
                .getConfig()
                .putAll(Map.of(
                        "io-threads", "four",
                        "clientIdleTimeout", "2 minutes",
                        "slave-read-enable", "ture",
                        "max-queued-request-bytes", "64Mi",
                        "shutdown-grace", "90s",
                        "register-interval", "PT20S",
                        "max-held-pulls", " 2000 ",
                        "enablePropertyFilter", "TRUE",
                        "message-delay-level", "1s 5s"));
        assertThat(SpecValidator.validate(cluster))
                .containsExactlyInAnyOrder(
                        "spec.broker.config key 'io-threads' must be a whole number (32-bit), not 'four'",
                        "spec.broker.config key 'clientIdleTimeout' must be a duration such as 30s, 500ms, 2m or"
                                + " PT30S, not '2 minutes'",
                        "spec.broker.config key 'slave-read-enable' must be true or false, not 'ture'",
                        "spec.broker.config key 'max-queued-request-bytes' must be a whole number, not '64Mi'");
    }

    @Test
    void aClusterNameThatCannotStartItsObjectsNamesIsReported() {
        for (String bad : List.of("orders.prod", "1orders", "a".repeat(43))) {
            RocketCluster cluster = Fixtures.cluster("prod", bad, 1);
            assertThat(SpecValidator.validate(cluster))
                    .as(bad)
                    .singleElement()
                    .asString()
                    .startsWith("metadata.name '" + bad + "' must be a lowercase DNS-1035 label");
        }
        assertThat(SpecValidator.validate(Fixtures.cluster("prod", "a".repeat(42), 1)))
                .isEmpty();
    }
}
