package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What users may change on the pods the operator builds; everything else the operator owns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class PodOverrides extends SpecObject {

    @JsonPropertyDescription("Extra pod labels. Labels under the app.kubernetes.io/ and"
            + " rocketkube.io/ prefixes are the operator's and are ignored here.")
    private Map<String, String> labels = new LinkedHashMap<>();

    @JsonPropertyDescription("Extra pod annotations. The rocketkube.io/config-hash annotation is the"
            + " operator's and is ignored here.")
    private Map<String, String> annotations = new LinkedHashMap<>();

    @JsonPropertyDescription("Node labels the pods must be scheduled on.")
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Affinity rules. The operator adds its own pod anti-affinity term to"
            + " podAntiAffinity; everything given here is kept.")
    private Affinity affinity;

    @JsonPropertyDescription("Tolerations of the pods.")
    private List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("Topology spread constraints of the pods, for example across zones.")
    private List<TopologySpreadConstraint> topologySpreadConstraints = new ArrayList<>();

    @JsonPropertyDescription("Priority class of the pods.")
    private String priorityClassName;

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
        return topologySpreadConstraints;
    }

    public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
        this.topologySpreadConstraints = topologySpreadConstraints;
    }

    public String getPriorityClassName() {
        return priorityClassName;
    }

    public void setPriorityClassName(String priorityClassName) {
        this.priorityClassName = priorityClassName;
    }
}
