package io.rocketkube.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Finds a hand edit of an owned object: a field the operator sets whose live value differs. Pure.
 *
 * <p>Only what the desired object sets is compared, so what the API server and the workload
 * controllers add (status, a Service's clusterIP, defaulted fields such as a port's protocol or a
 * probe's scheme, a revision annotation) never counts. Lists must have the desired length, each
 * element compared the same way: an added or removed container, env var or port is drift. The maps
 * the operator owns whole ({@link #OWNED_WHOLE}: a ConfigMap's data) must match exactly, so an
 * added key is drift too. Quantities compare by amount ({@code 1000m} is {@code 1}), since the
 * API server writes them back in canonical form. An empty list or map counts as absent, because
 * the API server drops those.
 */
public final class Drift {

    /** Top-level fields compared key for key rather than as a subset. */
    private static final Set<String> OWNED_WHOLE = Set.of("data", "binaryData");
    /** Of the metadata, only these are ours; the rest is the API server's. */
    private static final Set<String> OWNED_METADATA = Set.of("labels", "annotations", "ownerReferences");

    private Drift() {}

    /** The first path where {@code actual} departs from {@code desired}, or null when none does. */
    public static String find(HasMetadata desired, HasMetadata actual) {
        JsonNode want = Serialization.jsonMapper().valueToTree(desired);
        JsonNode have = Serialization.jsonMapper().valueToTree(actual);
        for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode live = have.get(name);
            String path;
            if ("status".equals(name) || "apiVersion".equals(name) || "kind".equals(name)) {
                continue;
            } else if ("metadata".equals(name)) {
                path = metadata(field.getValue(), live);
            } else if (OWNED_WHOLE.contains(name)) {
                path = isEmpty(field.getValue()) && isEmpty(live)
                        ? null
                        : field.getValue().equals(live) ? null : name;
            } else {
                path = subset(name, field.getValue(), live);
            }
            if (path != null) {
                return path;
            }
        }
        return null;
    }

    private static String metadata(JsonNode want, JsonNode have) {
        for (String name : OWNED_METADATA) {
            String path = subset("metadata." + name, want.get(name), have == null ? null : have.get(name));
            if (path != null) {
                return path;
            }
        }
        return null;
    }

    /** Whether every field of {@code want} is in {@code have} with the same value. */
    private static String subset(String path, JsonNode want, JsonNode have) {
        if (isEmpty(want)) {
            return null;
        }
        if (have == null || have.isNull()) {
            return path;
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return path;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String found = subset(path + "." + field.getKey(), field.getValue(), have.get(field.getKey()));
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                return path;
            }
            for (int i = 0; i < want.size(); i++) {
                String found = subset(path + "[" + i + "]", want.get(i), have.get(i));
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return sameValue(want, have) ? null : path;
    }

    private static boolean sameValue(JsonNode want, JsonNode have) {
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        if (want.equals(have)) {
            return true;
        }
        if (want.isTextual() && have.isTextual()) {
            try {
                return Quantity.getAmountInBytes(new Quantity(want.asText()))
                                .compareTo(Quantity.getAmountInBytes(new Quantity(have.asText())))
                        == 0;
            } catch (IllegalArgumentException | ArithmeticException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || (node.isContainerNode() && node.isEmpty());
    }
}
