package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodAntiAffinityBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/** Spreads pods that must not fail together over nodes, keeping the user's own affinity rules. */
public final class Affinities {

    static final String HOSTNAME = "kubernetes.io/hostname";

    private Affinities() {}

    /**
     * The user's affinity plus one anti-affinity term over {@code selector}.
     *
     * @param required a hard rule (pods stay Pending rather than share a node) instead of a preference
     */
    public static Affinity spread(Affinity user, Map<String, String> selector, boolean required) {
        Affinity merged = user == null ? new Affinity() : copy(user);
        PodAntiAffinity anti =
                merged.getPodAntiAffinity() == null ? new PodAntiAffinity() : merged.getPodAntiAffinity();
        PodAffinityTerm term = new PodAffinityTermBuilder()
                .withNewLabelSelector()
                .withMatchLabels(selector)
                .endLabelSelector()
                .withTopologyKey(HOSTNAME)
                .build();
        PodAntiAffinityBuilder builder = new PodAntiAffinityBuilder(anti);
        if (required) {
            builder.addToRequiredDuringSchedulingIgnoredDuringExecution(term);
        } else {
            builder.addToPreferredDuringSchedulingIgnoredDuringExecution(new WeightedPodAffinityTermBuilder()
                    .withWeight(100)
                    .withPodAffinityTerm(term)
                    .build());
        }
        return new AffinityBuilder(merged).withPodAntiAffinity(builder.build()).build();
    }

    private static Affinity copy(Affinity affinity) {
        return Serialization.unmarshal(Serialization.asJson(affinity), Affinity.class);
    }
}
