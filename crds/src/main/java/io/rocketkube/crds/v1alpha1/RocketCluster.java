package io.rocketkube.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A RocketKube cluster: NameServers plus broker groups of one master and its slaves.
 *
 * <p>The {@code scale} subresource maps {@code kubectl scale} onto {@code spec.broker.groups} and
 * {@code status.groups} (broker groups, not pods), without a label selector; scaling in drains
 * the leaving groups first and never deletes one with messages unless forced.
 */
@Group(RocketCluster.GROUP)
@Version(RocketCluster.VERSION)
@Kind("RocketCluster")
@Plural("rocketclusters")
@Singular("rocketcluster")
@ShortNames("rkc")
@AdditionalPrinterColumn(
        name = "Ready",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        getDescription = "Whether every NameServer and broker group is ready")
@AdditionalPrinterColumn(
        name = "Reason",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        getDescription = "Why the cluster is or is not ready (the Ready condition's reason, e.g. InvalidSpec)")
@AdditionalPrinterColumn(
        name = "Version",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".spec.version",
        getDescription = "The RocketKube version the cluster runs")
@AdditionalPrinterColumn(
        name = "NameServers",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.nameServers",
        getDescription = "Ready / desired NameServers")
@AdditionalPrinterColumn(
        name = "Groups",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.groupsReady",
        getDescription = "Ready / desired broker groups")
@AdditionalPrinterColumn(
        name = "Age",
        type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
@ValidationRule(value = RocketCluster.CEL_NAME, message = RocketCluster.NAME_MESSAGE)
public class RocketCluster extends CustomResource<RocketClusterSpec, RocketClusterStatus> implements Namespaced {

    public static final String GROUP = "rocketkube.io";

    /**
     * A cluster's name starts the names of its Services, which must be DNS-1035 labels, and its broker group
     * StatefulSets, whose pods carry the label {@code controller-revision-hash=<name>-broker-NN-<10 chars>},
     * at most 63 characters: so a DNS-1035 label of at most 42 characters.
     */
    public static final int MAX_NAME_LENGTH = 42;

    public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
    static final String CEL_NAME =
            "self.metadata.name.matches('" + NAME_PATTERN + "') && size(self.metadata.name) <= " + MAX_NAME_LENGTH;
    static final String NAME_MESSAGE = "metadata.name must be a lowercase DNS-1035 label (a letter first, then"
            + " letters, digits and '-', not ending in '-') of at most 42 characters: it starts the names of the"
            + " cluster's Services and StatefulSets";
    public static final String VERSION = "v1alpha1";

    /** Set to "true" and the operator leaves the cluster's objects alone until it is removed. */
    public static final String PAUSE_ANNOTATION = "rocketkube.io/paused";

    /**
     * Set to "true" and a scale-in deletes the leaving groups without waiting for their consumers
     * to finish; unconsumed messages on those groups are lost with their volumes.
     */
    public static final String FORCE_SCALE_DOWN_ANNOTATION = "rocketkube.io/force-scale-down";

    @Override
    protected RocketClusterSpec initSpec() {
        return new RocketClusterSpec();
    }

    @Override
    protected RocketClusterStatus initStatus() {
        return new RocketClusterStatus();
    }
}
