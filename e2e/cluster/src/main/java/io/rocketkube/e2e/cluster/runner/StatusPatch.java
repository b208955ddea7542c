package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes an object's whole status, as the controllers and the kubelet do through the status
 * subresource. A JSON patch {@code add /status} (which replaces an existing member), not a merge
 * patch: fabric8's CRUD mock applies a merge patch by appending to lists, so conditions,
 * containerStatuses and podIPs would pile up, the first (oldest) entry would be what clients read
 * as {@code containerStatuses[0]}, and a stale {@code Ready=True} condition would stay next to the
 * current {@code Ready=False} one.
 */
final class StatusPatch {

    private StatusPatch() {}

    static void replace(Resource<?> resource, Object status) {
        resource.patch(
                PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(status) + "}]");
    }
}
