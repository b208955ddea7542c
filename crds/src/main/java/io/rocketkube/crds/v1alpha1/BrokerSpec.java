package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.LinkedHashMap;
import java.util.Map;

/** The broker groups: one StatefulSet per group, ordinal 0 the master, 1 and up its slaves. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.role != 'SYNC_MASTER' || self.replicasPerGroup >= 2",
        message = "role SYNC_MASTER needs at least one slave: set replicasPerGroup to 2 or more")
// Unknown fields are collected, not fatal: see SpecObject.
public class BrokerSpec extends SpecObject {

    @SpecReplicas
    @Min(1)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription("Number of broker groups (master/slave sets). This is what"
            + " `kubectl scale rocketcluster` changes. New groups become Ready once registered with the"
            + " NameServers; leaving groups are drained before they are deleted. Default 1.")
    private int groups = 1;

    @Min(1)
    @Max(8)
    @Default("2")
    @JsonPropertyDescription("Pods per group: one master plus replicasPerGroup-1 slaves. Default 2.")
    private int replicasPerGroup = 2;

    @Default("ASYNC_MASTER")
    @JsonPropertyDescription("Replication of each master: ASYNC_MASTER acknowledges a send once the"
            + " master stored it, SYNC_MASTER once a slave has it too. Default ASYNC_MASTER.")
    private BrokerRole role = BrokerRole.ASYNC_MASTER;

    @Default("ASYNC_FLUSH")
    @JsonPropertyDescription("When the CommitLog reaches the disk: ASYNC_FLUSH in the background,"
            + " SYNC_FLUSH before a send is acknowledged. Default ASYNC_FLUSH.")
    private FlushMode flushMode = FlushMode.ASYNC_FLUSH;

    @JsonPropertyDescription("Where each broker keeps its CommitLog and consume queues.")
    private StorageSpec storage = new StorageSpec();

    @JsonPropertyDescription("Typed broker settings; unset fields keep the broker's defaults.")
    private BrokerSettingsSpec settings = new BrokerSettingsSpec();

    @ValidationRule(value = BrokerConfigKeys.CEL_DENY_LIST, message = BrokerConfigKeys.DENY_MESSAGE)
    @JsonPropertyDescription("Further broker settings, written to the broker's"
            + " config/application.properties as rocketkube.broker.<key> (keys in kebab-case or"
            + " camelCase, for example io-threads: \"4\"). Only the broker's own settings are accepted"
            + " (the operator's README lists them). Keys the operator owns (names, ids, role, ports,"
            + " paths, addresses), keys with a typed field in settings, and unknown keys are rejected.")
    private Map<String, String> config = new LinkedHashMap<>();

    @JsonPropertyDescription("Access control (RocketMQ 4.9's plain_acl.yml in a Secret). Unset: no ACL,"
            + " every client may do everything.")
    private AclSpec acl;

    @JsonPropertyDescription("CPU and memory requests and limits of the broker container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Scheduling and metadata overrides for the broker pods.")
    private PodOverrides pod = new PodOverrides();

    @Default("preferred")
    @JsonPropertyDescription("Keeps a group's master and slaves on different nodes: preferred (the"
            + " scheduler tries) or required (pods stay Pending rather than share a node)."
            + " Default preferred.")
    private AntiAffinity antiAffinity = AntiAffinity.preferred;

    @Min(0)
    @Default("600")
    @JsonPropertyDescription("On scale-in, how long the consumers of a leaving group normally take to"
            + " consume its remaining messages. Past it the group is NOT deleted: ScaleDownBlocked says"
            + " that the drain is overdue; only the rocketkube.io/force-scale-down annotation deletes a"
            + " group with messages. Default 600.")
    private int drainTimeoutSeconds = 600;

    public int getGroups() {
        return groups;
    }

    public void setGroups(int groups) {
        this.groups = groups;
    }

    public int getReplicasPerGroup() {
        return replicasPerGroup;
    }

    public void setReplicasPerGroup(int replicasPerGroup) {
        this.replicasPerGroup = replicasPerGroup;
    }

    public BrokerRole getRole() {
        return role;
    }

    public void setRole(BrokerRole role) {
        this.role = role;
    }

    public FlushMode getFlushMode() {
        return flushMode;
    }

    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = flushMode;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public BrokerSettingsSpec getSettings() {
        return settings;
    }

    public void setSettings(BrokerSettingsSpec settings) {
        this.settings = settings;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }

    public AclSpec getAcl() {
        return acl;
    }

    public void setAcl(AclSpec acl) {
        this.acl = acl;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public PodOverrides getPod() {
        return pod;
    }

    public void setPod(PodOverrides pod) {
        this.pod = pod;
    }

    public AntiAffinity getAntiAffinity() {
        return antiAffinity;
    }

    public void setAntiAffinity(AntiAffinity antiAffinity) {
        this.antiAffinity = antiAffinity;
    }

    public int getDrainTimeoutSeconds() {
        return drainTimeoutSeconds;
    }

    public void setDrainTimeoutSeconds(int drainTimeoutSeconds) {
        this.drainTimeoutSeconds = drainTimeoutSeconds;
    }

    /** The master's replication mode; slaves are always SLAVE. */
    public enum BrokerRole {
        ASYNC_MASTER,
        SYNC_MASTER;

        /** Unknown values read as null; see {@link LenientEnums}. */
        @JsonCreator
        public static BrokerRole of(String value) {
            return LenientEnums.parse(BrokerRole.class, value);
        }
    }

    /** The broker's CommitLog flush mode. */
    public enum FlushMode {
        ASYNC_FLUSH,
        SYNC_FLUSH;

        /** Unknown values read as null; see {@link LenientEnums}. */
        @JsonCreator
        public static FlushMode of(String value) {
            return LenientEnums.parse(FlushMode.class, value);
        }
    }

    /** Strength of the master/slave anti-affinity. */
    public enum AntiAffinity {
        preferred,
        required;

        /** Unknown values read as null; see {@link LenientEnums}. */
        @JsonCreator
        public static AntiAffinity of(String value) {
            return LenientEnums.parse(AntiAffinity.class, value);
        }
    }
}
