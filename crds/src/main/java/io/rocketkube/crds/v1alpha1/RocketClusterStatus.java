package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed at its last reconciliation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// A field this model does not know (a newer CRD, a server that does not prune) must not fail the
// parse: that would stop the watch of every RocketCluster.
@JsonIgnoreProperties(ignoreUnknown = true)
public class RocketClusterStatus {

    /** Condition types, in the order they are reported. */
    public static final String READY = "Ready";

    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String SCALE_DOWN_BLOCKED = "ScaleDownBlocked";
    public static final String STORAGE_CHANGE_REFUSED = "StorageChangeRefused";

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready (clients can use every group), Progressing (creating, rolling or"
            + " scaling), Degraded (something needs attention, see its reason) and ScaleDownBlocked"
            + " (a leaving group still holds unconsumed messages); StorageChangeRefused once a change of"
            + " spec.broker.storage could not be applied (the groups keep status.appliedStorage).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The NameServer address for clients, as host:port; set it as the"
            + " client's namesrvAddr (for example ROCKETMQ_NAMESRV_ADDR).")
    private String nameServerAddress;

    @JsonPropertyDescription("Ready NameServers / desired NameServers.")
    private String nameServers;

    @JsonPropertyDescription("Ready broker groups / desired broker groups.")
    private String groupsReady;

    @StatusReplicas
    @JsonPropertyDescription("Broker groups that exist, including groups still draining.")
    private Integer groups;

    // Deliberately not the scale subresource's @LabelSelector: it selects every broker pod (groups x
    // replicasPerGroup) while the scale's replicas count groups, so an HPA would divide wrongly.
    @JsonPropertyDescription("Label selector of all broker pods (every group, masters and slaves)."
            + " Not the scale subresource's selector: its replicas count broker groups, not pods.")
    private String brokerSelector;

    @JsonPropertyDescription("One entry per broker group, by ordinal.")
    private List<BrokerGroupStatus> brokerGroups = new ArrayList<>();

    @JsonPropertyDescription("The broker storage the groups run with: the last accepted"
            + " spec.broker.storage (a refused change leaves it as it was).")
    private AppliedStorage appliedStorage;

    public AppliedStorage getAppliedStorage() {
        return appliedStorage;
    }

    public void setAppliedStorage(AppliedStorage appliedStorage) {
        this.appliedStorage = appliedStorage;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getNameServerAddress() {
        return nameServerAddress;
    }

    public void setNameServerAddress(String nameServerAddress) {
        this.nameServerAddress = nameServerAddress;
    }

    public String getNameServers() {
        return nameServers;
    }

    public void setNameServers(String nameServers) {
        this.nameServers = nameServers;
    }

    public String getGroupsReady() {
        return groupsReady;
    }

    public void setGroupsReady(String groupsReady) {
        this.groupsReady = groupsReady;
    }

    public Integer getGroups() {
        return groups;
    }

    public void setGroups(Integer groups) {
        this.groups = groups;
    }

    public String getBrokerSelector() {
        return brokerSelector;
    }

    public void setBrokerSelector(String brokerSelector) {
        this.brokerSelector = brokerSelector;
    }

    public List<BrokerGroupStatus> getBrokerGroups() {
        return brokerGroups;
    }

    public void setBrokerGroups(List<BrokerGroupStatus> brokerGroups) {
        this.brokerGroups = brokerGroups;
    }
}
