package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The observed state of one broker group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// A field this model does not know (a newer CRD, a server that does not prune) must not fail the
// parse: that would stop the watch of every RocketCluster.
@JsonIgnoreProperties(ignoreUnknown = true)
public class BrokerGroupStatus {

    @JsonPropertyDescription("Broker name of the group, <cluster>-broker-<ordinal>.")
    private String name;

    @JsonPropertyDescription("Whether the master (ordinal 0) is ready.")
    private boolean masterReady;

    @JsonPropertyDescription("Ready slaves.")
    private int slavesReady;

    @JsonPropertyDescription("Desired slaves.")
    private int slaves;

    @JsonPropertyDescription("Whether the NameServers list the group's master.")
    private boolean registered;

    @JsonPropertyDescription(
            "Bytes of CommitLog the furthest-behind slave still has to copy;" + " absent when unknown.")
    private Long replicationLagBytes;

    @JsonPropertyDescription("Running, or Draining while a scale-in waits for the group's consumers.")
    private String phase;

    @JsonPropertyDescription(
            "When draining started (RFC 3339). After drainTimeoutSeconds the group still stays; the ScaleDownBlocked condition says so.")
    private String drainStartedAt;

    @JsonPropertyDescription("Unconsumed messages left on a draining group.")
    private Long remainingMessages;

    @JsonPropertyDescription("When writes to a draining group were stopped at its broker and every"
            + " NameServer (RFC 3339); the group is judged empty only one producer route refresh later.")
    private String writesStoppedAt;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isMasterReady() {
        return masterReady;
    }

    public void setMasterReady(boolean masterReady) {
        this.masterReady = masterReady;
    }

    public int getSlavesReady() {
        return slavesReady;
    }

    public void setSlavesReady(int slavesReady) {
        this.slavesReady = slavesReady;
    }

    public int getSlaves() {
        return slaves;
    }

    public void setSlaves(int slaves) {
        this.slaves = slaves;
    }

    public boolean isRegistered() {
        return registered;
    }

    public void setRegistered(boolean registered) {
        this.registered = registered;
    }

    public Long getReplicationLagBytes() {
        return replicationLagBytes;
    }

    public void setReplicationLagBytes(Long replicationLagBytes) {
        this.replicationLagBytes = replicationLagBytes;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getDrainStartedAt() {
        return drainStartedAt;
    }

    public void setDrainStartedAt(String drainStartedAt) {
        this.drainStartedAt = drainStartedAt;
    }

    public String getWritesStoppedAt() {
        return writesStoppedAt;
    }

    public void setWritesStoppedAt(String writesStoppedAt) {
        this.writesStoppedAt = writesStoppedAt;
    }

    public Long getRemainingMessages() {
        return remainingMessages;
    }

    public void setRemainingMessages(Long remainingMessages) {
        this.remainingMessages = remainingMessages;
    }
}
