package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.rocketkube.crds.v1alpha1.AppliedStorage;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.model.DesiredCluster;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageChangeTest {

    private static final AppliedStorage HAVE =
            new AppliedStorage(StorageSpec.StorageType.PERSISTENT_CLAIM, "10Gi", "fast");

    private static StorageSpec wanted(StorageSpec.StorageType type, String size, String cls) {
        StorageSpec spec = new StorageSpec();
        spec.setType(type);
        spec.setSize(size);
        spec.setStorageClass(cls);
        return spec;
    }

    private static StorageChange.Decision decide(StorageSpec wanted, boolean expandable) {
        return StorageChange.decide(wanted, Optional.of(HAVE), cls -> expandable);
    }

    @Test
    void anIncreaseIsAppliedWhereTheClassAllowsExpansionAndRefusedWhereItDoesNot() {
        var grown = decide(wanted(StorageSpec.StorageType.PERSISTENT_CLAIM, "20Gi", "fast"), true);
        assertThat(grown.refused()).isFalse();
        assertThat(grown.applied().getSize()).isEqualTo("20Gi");

        var fixed = decide(wanted(StorageSpec.StorageType.PERSISTENT_CLAIM, "20Gi", "fast"), false);
        assertThat(fixed.refusedReason()).isEqualTo(StorageChange.EXPANSION_NOT_ALLOWED);
        assertThat(fixed.refusedMessage()).contains("from 10Gi to 20Gi", "'fast'", "allowVolumeExpansion");
        assertThat(fixed.applied()).isSameAs(HAVE);
    }

    @Test
    void aDecreaseAClassChangeAndATypeChangeAreRefusedAndTheGroupsKeepWhatTheyHave() {
        var shrunk = decide(wanted(StorageSpec.StorageType.PERSISTENT_CLAIM, "5Gi", "fast"), true);
        assertThat(shrunk.refusedReason()).isEqualTo(StorageChange.SIZE_DECREASE);
        assertThat(shrunk.refusedMessage()).contains("from 10Gi to 5Gi");
        assertThat(shrunk.applied()).isSameAs(HAVE);

        var otherClass = decide(wanted(StorageSpec.StorageType.PERSISTENT_CLAIM, "10Gi", null), true);
        assertThat(otherClass.refusedReason()).isEqualTo(StorageChange.CLASS_CHANGE);
        assertThat(otherClass.refusedMessage()).contains("from 'fast' to (the default class)");

        var ephemeral = decide(wanted(StorageSpec.StorageType.EPHEMERAL, "10Gi", "fast"), true);
        assertThat(ephemeral.refusedReason()).isEqualTo(StorageChange.TYPE_CHANGE);
    }

    @Test
    void theSameAmountInAnotherUnitIsNoChange() {
        var same = decide(wanted(StorageSpec.StorageType.PERSISTENT_CLAIM, "10240Mi", "fast"), false);
        assertThat(same.refused()).isFalse();
    }

    @Test
    void withoutARecordTheFirstStatefulSetsClaimTemplateIsWhatTheGroupsHave() {
        RocketCluster cluster = OperatorHarness.cluster("ns", "alpha", 1);
        cluster.getSpec().getBroker().getStorage().setStorageClass("fast");
        StatefulSet sts = DesiredCluster.of(cluster, OperatorSettings.defaults())
                .groups()
                .get(0)
                .statefulSet();
        AppliedStorage derived = StorageChange.current(null, List.of(sts)).orElseThrow();
        assertThat(derived.getType()).isEqualTo(StorageSpec.StorageType.PERSISTENT_CLAIM);
        assertThat(derived.getSize()).isEqualTo("1Gi");
        assertThat(derived.getStorageClass()).isEqualTo("fast");
        assertThat(StorageChange.current(HAVE, List.of(sts))).containsSame(HAVE);
        assertThat(StorageChange.current(null, List.of())).isEmpty();
    }
}
