package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/** The NameServer Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class NameServerSpec extends SpecObject {

    @Min(1)
    @Max(9)
    @Default("2")
    @JsonPropertyDescription("Number of NameServers. Brokers register with every one of them through"
            + " a headless Service, so changing this never restarts a broker. Default 2.")
    private int replicas = 2;

    @JsonPropertyDescription("CPU and memory requests and limits of the NameServer container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Scheduling and metadata overrides for the NameServer pods.")
    private PodOverrides pod = new PodOverrides();

    @JsonPropertyDescription("Declared KV config of the NameServers, namespace to key to value, for"
            + " example ORDER_TOPIC_CONFIG: {TopicA: \"broker-a:4\"}. Put over each NameServer's stored KV"
            + " config at every start, so it survives restarts; a declared key always has its declared"
            + " value after a restart, keys not declared here (mqadmin updateKvConfig) are lost when a"
            + " NameServer pod is replaced. Changing it rolls the NameServers one at a time.")
    private Map<String, Map<String, String>> kvConfig = new LinkedHashMap<>();

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Map<String, Map<String, String>> getKvConfig() {
        return kvConfig;
    }

    public void setKvConfig(Map<String, Map<String, String>> kvConfig) {
        this.kvConfig = kvConfig;
    }

    public PodOverrides getPod() {
        return pod;
    }

    public void setPod(PodOverrides pod) {
        this.pod = pod;
    }
}
