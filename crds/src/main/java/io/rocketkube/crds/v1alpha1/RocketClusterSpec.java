package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** What the user asks for: one RocketKube release, its NameServers and its broker groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class RocketClusterSpec extends SpecObject {

    @Required
    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    @JsonPropertyDescription("RocketKube release to run, used as the tag of the NameServer and broker"
            + " images, for example 0.1.0. Changing it rolls the NameServers, then the brokers.")
    private String version;

    @JsonPropertyDescription(
            "Where the images come from. When omitted, the operator's default" + " repository is used.")
    private ImageSpec image = new ImageSpec();

    @JsonPropertyDescription(
            "The NameServers: stateless routing servers that brokers register with" + " and clients ask for routes.")
    private NameServerSpec nameServer = new NameServerSpec();

    @JsonPropertyDescription("The brokers: groups of one master and its slaves, each group a" + " StatefulSet.")
    private BrokerSpec broker = new BrokerSpec();

    @Min(1)
    @Default("600")
    @JsonPropertyDescription("Like a Deployment's: how long a broker group or the NameServers may"
            + " stay not ready while being created, scaled out or rolled (NameServers) before Progressing"
            + " turns False with reason ProgressDeadlineExceeded (and Degraded True), naming why the pods"
            + " are not ready. Nothing is undone; the condition clears once they are ready. Default 600.")
    private int progressDeadlineSeconds = 600;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public ImageSpec getImage() {
        return image;
    }

    public void setImage(ImageSpec image) {
        this.image = image;
    }

    public NameServerSpec getNameServer() {
        return nameServer;
    }

    public void setNameServer(NameServerSpec nameServer) {
        this.nameServer = nameServer;
    }

    public BrokerSpec getBroker() {
        return broker;
    }

    public void setBroker(BrokerSpec broker) {
        this.broker = broker;
    }

    public int getProgressDeadlineSeconds() {
        return progressDeadlineSeconds;
    }

    public void setProgressDeadlineSeconds(int progressDeadlineSeconds) {
        this.progressDeadlineSeconds = progressDeadlineSeconds;
    }
}
