package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.BrokerConfigKeys;
import io.rocketkube.crds.v1alpha1.BrokerSettingsSpec;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterSpec;
import io.rocketkube.crds.v1alpha1.SpecObject;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CRD's OpenAPI and CEL rules, checked again by the operator: API servers without CEL (before
 * Kubernetes 1.25) and objects stored before a rule existed get the same clear messages, and a
 * spec that fails here changes nothing in the cluster.
 */
public final class SpecValidator {

    private static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    private static final Pattern SIZE = Pattern.compile("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$");
    /** A ConfigMap holds at most 1 MiB; leave room for its metadata. */
    private static final int MAX_KV_SEED_CHARS = 1_000_000;
    /** The NameServer's bound on a KV namespace or key (its {@code KvConfigStore.MAX_NAME_CHARS}). */
    private static final int MAX_KV_NAME_CHARS = 1024;

    private static final Pattern SECRET_NAME = Pattern.compile(AclSpec.SECRET_NAME);
    private static final Pattern SECRET_KEY = Pattern.compile(AclSpec.SECRET_KEY);
    private static final Pattern CLUSTER_NAME = Pattern.compile(RocketCluster.NAME_PATTERN);
    private static final Pattern CONFIG_KEY = Pattern.compile("^[a-z][a-zA-Z0-9-]*$");

    private SpecValidator() {}

    /**
     * Every problem with the spec, each naming its field; empty when the spec is valid. A change of
     * storage on an existing cluster is not judged here: a refused one is not an invalid spec (see
     * the reconciler's StorageChange).
     */
    public static List<String> validate(RocketCluster cluster) {
        List<String> errors = new ArrayList<>();
        RocketClusterSpec spec = cluster.getSpec();
        if (spec == null) {
            errors.add("spec is required");
            return errors;
        }
        String name =
                cluster.getMetadata() == null ? null : cluster.getMetadata().getName();
        if (name == null || !CLUSTER_NAME.matcher(name).matches() || name.length() > RocketCluster.MAX_NAME_LENGTH) {
            errors.add("metadata.name '" + name + "' must be a lowercase DNS-1035 label (a letter first, then letters,"
                    + " digits and '-', not ending in '-') of at most " + RocketCluster.MAX_NAME_LENGTH
                    + " characters: it starts the names of the cluster's Services and StatefulSets");
        }
        unknownFields(spec, errors);
        if (spec.getVersion() == null || !VERSION.matcher(spec.getVersion()).matches()) {
            errors.add("spec.version is required and must be an image tag, for example 0.1.0");
        }
        if (spec.getProgressDeadlineSeconds() < 1) {
            errors.add("spec.progressDeadlineSeconds must be at least 1");
        }
        if (spec.getNameServer() == null
                || spec.getNameServer().getReplicas() < 1
                || spec.getNameServer().getReplicas() > 9) {
            errors.add("spec.nameServer.replicas must be between 1 and 9");
        }
        if (spec.getNameServer() != null) {
            kvConfig(spec.getNameServer().getKvConfig(), errors);
        }
        BrokerSpec broker = spec.getBroker();
        if (broker == null) {
            errors.add("spec.broker is required");
            return errors;
        }
        if (broker.getGroups() < 1 || broker.getGroups() > 64) {
            errors.add("spec.broker.groups must be between 1 and 64");
        }
        if (broker.getReplicasPerGroup() < 1 || broker.getReplicasPerGroup() > 8) {
            errors.add("spec.broker.replicasPerGroup must be between 1 and 8");
        }
        if (broker.getRole() == BrokerSpec.BrokerRole.SYNC_MASTER && broker.getReplicasPerGroup() < 2) {
            errors.add("role SYNC_MASTER needs at least one slave: set replicasPerGroup to 2 or more");
        }
        if (broker.getDrainTimeoutSeconds() < 0) {
            errors.add("spec.broker.drainTimeoutSeconds must not be negative");
        }
        // Unknown enum values are read as null (LenientEnums), so that one bad object is reported
        // here instead of failing the watch of all of them.
        if (broker.getRole() == null || broker.getFlushMode() == null || broker.getAntiAffinity() == null) {
            errors.add("spec.broker.role, flushMode and antiAffinity must be one of the listed values"
                    + " (role ASYNC_MASTER or SYNC_MASTER, flushMode ASYNC_FLUSH or SYNC_FLUSH,"
                    + " antiAffinity preferred or required)");
        }
        storage(broker.getStorage(), errors);
        settings(broker.getSettings(), errors);
        config(broker, errors);
        acl(broker.getAcl(), errors);
        return errors;
    }

    private static void acl(AclSpec acl, List<String> errors) {
        if (acl == null) {
            return;
        }
        String name = acl.getSecretName();
        if (name == null || name.length() > 253 || !SECRET_NAME.matcher(name).matches()) {
            errors.add("spec.broker.acl.secretName is required and must be a Secret name (lower-case letters,"
                    + " digits, '-' and '.')");
        }
        String key = acl.getKey();
        if (key == null
                || key.length() > 253
                || !SECRET_KEY.matcher(key).matches()
                || key.equals(".")
                || key.equals("..")) {
            errors.add("spec.broker.acl.key must be a Secret key (letters, digits, '-', '_' and '.')");
        }
    }

    /**
     * Fields the model collected instead of failing the parse ({@link SpecObject}), by path. A
     * misspelt field would otherwise run with its default, silently.
     */
    private static void unknownFields(RocketClusterSpec spec, List<String> errors) {
        Map<String, Object> objects = new LinkedHashMap<>();
        objects.put("spec", spec);
        objects.put("spec.image", spec.getImage());
        if (spec.getNameServer() != null) {
            objects.put("spec.nameServer", spec.getNameServer());
            objects.put("spec.nameServer.pod", spec.getNameServer().getPod());
            objects.put("spec.nameServer.resources", spec.getNameServer().getResources());
        }
        BrokerSpec broker = spec.getBroker();
        if (broker != null) {
            objects.put("spec.broker", broker);
            objects.put("spec.broker.storage", broker.getStorage());
            objects.put("spec.broker.settings", broker.getSettings());
            objects.put("spec.broker.pod", broker.getPod());
            objects.put("spec.broker.resources", broker.getResources());
            if (broker.getAcl() != null) {
                objects.put("spec.broker.acl", broker.getAcl());
            }
        }
        objects.forEach((path, object) -> {
            Collection<String> unknown = object instanceof SpecObject known
                    ? known.unknownFields()
                    : object instanceof ResourceRequirements resources && resources.getAdditionalProperties() != null
                            ? resources.getAdditionalProperties().keySet()
                            : List.of();
            for (String name : unknown) {
                errors.add(path + "." + name + " is not a field of RocketCluster " + RocketCluster.VERSION
                        + " (misspelt, or from a newer CRD than this operator)");
            }
        });
    }

    private static void storage(StorageSpec storage, List<String> errors) {
        if (storage == null || storage.getType() == null) {
            errors.add("spec.broker.storage.type must be persistent-claim or ephemeral");
            return;
        }
        if (storage.getType() == StorageSpec.StorageType.PERSISTENT_CLAIM && storage.getSize() == null) {
            errors.add("storage.size is required when storage.type is persistent-claim");
        }
        if (storage.getSize() != null && !SIZE.matcher(storage.getSize()).matches()) {
            errors.add("spec.broker.storage.size must be a quantity such as 50Gi, not '" + storage.getSize() + "'");
        }
        if (storage.getSize() != null
                && SIZE.matcher(storage.getSize()).matches()
                && Quantity.getAmountInBytes(new Quantity(storage.getSize())).signum() <= 0) {
            errors.add("spec.broker.storage.size must be larger than zero");
        }
    }

    /** The @Min/@Max bounds of BrokerSettingsSpec: outside them the broker refuses to start. */
    private static void settings(BrokerSettingsSpec settings, List<String> errors) {
        if (settings == null) {
            return;
        }
        bound("defaultTopicQueueNums", settings.getDefaultTopicQueueNums(), 1, 1024, errors);
        bound("maxMessageSize", settings.getMaxMessageSize(), 1024, 134217728, errors);
        bound("fileReservedHours", settings.getFileReservedHours(), 1, Long.MAX_VALUE, errors);
        bound("commitLogSegmentSize", settings.getCommitLogSegmentSize(), 1048576, Long.MAX_VALUE, errors);
    }

    private static void bound(String field, Number value, long min, long max, List<String> errors) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            errors.add("spec.broker.settings." + field + " must be "
                    + (max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max) + ", not "
                    + value);
        }
    }

    private static void config(BrokerSpec broker, List<String> errors) {
        if (broker.getConfig() == null) {
            return;
        }
        for (Map.Entry<String, String> entry : broker.getConfig().entrySet()) {
            String key = entry.getKey();
            if (!CONFIG_KEY.matcher(key).matches()) {
                errors.add("spec.broker.config key '" + key + "' is not a kebab-case or camelCase name");
            } else if (BrokerConfigKeys.toKebab(key).startsWith("acl-")) {
                errors.add("spec.broker.config key '" + key + "' is set from spec.broker.acl (a Secret with the"
                        + " ACL file)");
            } else if (BrokerConfigKeys.OWNED.contains(BrokerConfigKeys.toKebab(key))) {
                errors.add("spec.broker.config key '" + key + "' is set by the operator and cannot be" + " overridden");
            } else if (BrokerConfigKeys.TYPED.contains(BrokerConfigKeys.toKebab(key))) {
                errors.add("spec.broker.config key '" + key + "' has a typed field: use" + " spec.broker.settings."
                        + camel(BrokerConfigKeys.toKebab(key)));
            } else if (!BrokerConfigKeys.TUNABLE.contains(BrokerConfigKeys.toKebab(key))) {
                // The broker would refuse to start on it (or, worse, ignore a misspelling).
                errors.add("spec.broker.config key '" + key + "' is not a broker setting; known keys: "
                        + String.join(", ", BrokerConfigKeys.TUNABLE));
            } else {
                String expected = BrokerValueKinds.problem(BrokerConfigKeys.toKebab(key), entry.getValue());
                if (expected != null) {
                    errors.add("spec.broker.config key '" + key + "' must be " + expected + ", not '" + entry.getValue()
                            + "'");
                }
            }
        }
    }

    /**
     * What the NameServer would refuse at start (and so crash-loop on): empty or over-long names, null
     * values; and a seed larger than a ConfigMap can hold.
     */
    private static void kvConfig(Map<String, Map<String, String>> kvConfig, List<String> errors) {
        if (kvConfig == null) {
            return;
        }
        kvConfig.forEach((namespace, entries) -> {
            if (namespace == null || namespace.isBlank()) {
                errors.add("spec.nameServer.kvConfig has an empty namespace name");
            } else if (namespace.length() > MAX_KV_NAME_CHARS) {
                errors.add("spec.nameServer.kvConfig namespace '" + namespace.substring(0, 64) + "...' is longer than "
                        + MAX_KV_NAME_CHARS + " characters");
            } else if (entries == null) {
                errors.add("spec.nameServer.kvConfig namespace '" + namespace + "' must be a map of strings");
            } else {
                entries.forEach((key, value) -> {
                    if (key == null || key.isBlank()) {
                        errors.add("spec.nameServer.kvConfig namespace '" + namespace + "' has an empty key");
                    } else if (key.length() > MAX_KV_NAME_CHARS) {
                        errors.add("spec.nameServer.kvConfig " + namespace + "/" + key.substring(0, 64)
                                + "... has a key longer than " + MAX_KV_NAME_CHARS + " characters");
                    } else if (value == null) {
                        errors.add("spec.nameServer.kvConfig " + namespace + "/" + key + " has no value");
                    }
                });
            }
        });
        if (errors.stream().noneMatch(e -> e.startsWith("spec.nameServer.kvConfig"))
                && NameServerKvConfigMap.json(kvConfig).length() > MAX_KV_SEED_CHARS) {
            errors.add("spec.nameServer.kvConfig is larger than a ConfigMap can hold (" + MAX_KV_SEED_CHARS
                    + " characters as JSON)");
        }
    }

    private static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
