package io.rocketkube.e2e.cluster.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in resource types the stand-in's discovery announces: what {@code deploy/install},
 * the operator's dependents and the pod runner use, and a few that kubectl users reach for. kubectl
 * maps a kind to its URL only through discovery, so a kind missing here cannot be applied with
 * kubectl (the CRUD store itself accepts any path).
 */
final class ApiResources {

    /** One resource type of one group version. */
    record Resource(
            String name,
            String singular,
            String kind,
            boolean namespaced,
            List<String> shortNames,
            boolean status,
            boolean scale) {}

    private static final Map<String, List<Resource>> BUILT_IN = new LinkedHashMap<>();

    static {
        add(
                "v1",
                ns("pods", "Pod", true, false, "po"),
                cluster("namespaces", "Namespace", true, "ns"),
                ns("services", "Service", true, false, "svc"),
                ns("endpoints", "Endpoints", false, false, "ep"),
                ns("configmaps", "ConfigMap", false, false, "cm"),
                ns("secrets", "Secret", false, false),
                ns("serviceaccounts", "ServiceAccount", false, false, "sa"),
                ns("persistentvolumeclaims", "PersistentVolumeClaim", true, false, "pvc"),
                cluster("persistentvolumes", "PersistentVolume", true, "pv"),
                cluster("nodes", "Node", true, "no"),
                ns("events", "Event", false, false, "ev"));
        add(
                "apps/v1",
                ns("deployments", "Deployment", true, true, "deploy"),
                ns("statefulsets", "StatefulSet", true, true, "sts"),
                ns("replicasets", "ReplicaSet", true, true, "rs"),
                ns("controllerrevisions", "ControllerRevision", false, false));
        add(
                "rbac.authorization.k8s.io/v1",
                cluster("clusterroles", "ClusterRole", false),
                cluster("clusterrolebindings", "ClusterRoleBinding", false),
                ns("roles", "Role", false, false),
                ns("rolebindings", "RoleBinding", false, false));
        add(
                "apiextensions.k8s.io/v1",
                cluster("customresourcedefinitions", "CustomResourceDefinition", true, "crd", "crds"));
        add("coordination.k8s.io/v1", ns("leases", "Lease", false, false));
        add("policy/v1", ns("poddisruptionbudgets", "PodDisruptionBudget", true, false, "pdb"));
        add(
                "authorization.k8s.io/v1",
                cluster("selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
                cluster("selfsubjectaccessreviews", "SelfSubjectAccessReview", false));
        add("events.k8s.io/v1", ns("events", "Event", false, false, "ev"));
    }

    private ApiResources() {}

    static Map<String, List<Resource>> builtIn() {
        return BUILT_IN;
    }

    private static void add(String groupVersion, Resource... resources) {
        BUILT_IN.put(groupVersion, List.of(resources));
    }

    private static Resource ns(String name, String kind, boolean status, boolean scale, String... shortNames) {
        return new Resource(name, singular(kind), kind, true, List.of(shortNames), status, scale);
    }

    private static Resource cluster(String name, String kind, boolean status, String... shortNames) {
        return new Resource(name, singular(kind), kind, false, List.of(shortNames), status, false);
    }

    private static String singular(String kind) {
        return kind.toLowerCase(java.util.Locale.ROOT);
    }

    /** The APIResourceList entries of one group version: each type, then its subresources. */
    static List<Map<String, Object>> entries(List<Resource> resources) {
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> verbs = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
        for (Resource r : resources) {
            Map<String, Object> main = new LinkedHashMap<>();
            main.put("name", r.name());
            main.put("singularName", r.singular());
            main.put("namespaced", r.namespaced());
            main.put("kind", r.kind());
            main.put("verbs", verbs);
            if (!r.shortNames().isEmpty()) {
                main.put("shortNames", r.shortNames());
            }
            entries.add(main);
            if (r.status()) {
                entries.add(Map.of(
                        "name",
                        r.name() + "/status",
                        "singularName",
                        "",
                        "namespaced",
                        r.namespaced(),
                        "kind",
                        r.kind(),
                        "verbs",
                        List.of("get", "patch", "update")));
            }
            if (r.scale()) {
                entries.add(Map.of(
                        "name",
                        r.name() + "/scale",
                        "singularName",
                        "",
                        "namespaced",
                        r.namespaced(),
                        "group",
                        "autoscaling",
                        "version",
                        "v1",
                        "kind",
                        "Scale",
                        "verbs",
                        List.of("get", "patch", "update")));
            }
        }
        return entries;
    }
}
