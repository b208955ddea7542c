package io.rocketkube.e2e.cluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a real API server that fabric8's CRUD mock lacks and kubectl needs, in front of the
 * CRUD store: {@code /version}, discovery ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/<group>/<version>}) listing the built-in types of {@link ApiResources} plus every
 * CustomResourceDefinition in the store, {@code /openapi/*} answering 404 (kubectl then skips
 * validation and typed printing), and protobuf request bodies refused with 415 (the mock cannot
 * decode them and would hang the client), but for {@code kubectl create namespace}'s, which
 * {@link ProtobufNamespace} turns into JSON.
 *
 * <p>It also drops the query string of a {@code .../status} request: the mock routes
 * {@code /status?fieldManager=kubectl} to the main resource and silently loses the status.
 * Everything else goes to the CRUD dispatcher unchanged, watches included.
 */
final class DiscoveryDispatcher extends Dispatcher {

    private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/([^/]+)/([^/]+)/?$");
    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private final KubernetesCrudDispatcher crud;
    private final ObjectMapper json = new ObjectMapper();
    private final String serverAddress;

    DiscoveryDispatcher(KubernetesCrudDispatcher crud, String serverAddress) {
        this.crud = crud;
        this.serverAddress = serverAddress;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String fullPath = request.getPath();
        int query = fullPath.indexOf('?');
        String path = query < 0 ? fullPath : fullPath.substring(0, query);
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.contains("protobuf")) {
            MockResponse refused = status(
                    415, "UnsupportedMediaType", "protobuf bodies are not supported (but a Namespace's); use JSON");
            if (!"POST".equals(request.getMethod()) || !path.equals("/api/v1/namespaces")) {
                return refused;
            }
            RecordedRequest asJson = namespaceAsJson(request);
            // Without a Content-Type of its own the answer would be read as the request's protobuf.
            return asJson == null ? refused : crud.dispatch(asJson).setHeader("Content-Type", "application/json");
        }
        if ("POST".equals(request.getMethod()) && path.startsWith("/apis/authorization.k8s.io/v1/")) {
            return review(path, request);
        }
        if ("GET".equals(request.getMethod())) {
            MockResponse discovery = discovery(path);
            if (discovery != null) {
                return discovery;
            }
        }
        if (query >= 0 && path.endsWith("/status")) {
            request = new RecordedRequest(
                    request.getHttpVersion(), request.method(), path, request.getHeaders(), request.getBody());
        }
        return crud.dispatch(request);
    }

    /** {@code kubectl create namespace}'s protobuf body as JSON (see {@link ProtobufNamespace}). */
    private RecordedRequest namespaceAsJson(RecordedRequest request) {
        return ProtobufNamespace.read(request.getBody().getBytes())
                .map(meta -> {
                    Map<String, Object> metadata = new LinkedHashMap<>();
                    if (meta.name() != null) {
                        metadata.put("name", meta.name());
                    }
                    if (meta.generateName() != null) {
                        metadata.put("generateName", meta.generateName());
                    }
                    if (!meta.labels().isEmpty()) {
                        metadata.put("labels", meta.labels());
                    }
                    if (!meta.annotations().isEmpty()) {
                        metadata.put("annotations", meta.annotations());
                    }
                    byte[] body;
                    try {
                        body = json.writeValueAsBytes(
                                Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", metadata));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    return new RecordedRequest(
                            request.getHttpVersion(),
                            request.method(),
                            request.getPath(),
                            request.getHeaders()
                                    .newBuilder()
                                    .set("Content-Type", "application/json")
                                    .set("Content-Length", Integer.toString(body.length))
                                    .build(),
                            new Buffer(body));
                })
                .orElse(null);
    }

    /**
     * The stand-in does no authorization (neither does the mock): a SelfSubjectRulesReview lists
     * every verb on everything, an access review answers allowed. JOSDK's leader election asks
     * before it starts.
     */
    private MockResponse review(String path, RecordedRequest request) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode)
                    json.readTree(request.getBody().getBytes());
            if (path.endsWith("selfsubjectrulesreviews")) {
                body.set(
                        "status",
                        json.valueToTree(Map.of(
                                "incomplete",
                                false,
                                "resourceRules",
                                List.of(Map.of(
                                        "verbs", List.of("*"), "apiGroups", List.of("*"), "resources", List.of("*"))),
                                "nonResourceRules",
                                List.of(Map.of("verbs", List.of("*"), "nonResourceURLs", List.of("*"))))));
            } else {
                body.set("status", json.valueToTree(Map.of("allowed", true)));
            }
            return new MockResponse()
                    .setResponseCode(201)
                    .setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(body));
        } catch (java.io.IOException | ClassCastException e) {
            return status(400, "BadRequest", "cannot read the review: " + e.getMessage());
        }
    }

    private MockResponse discovery(String path) {
        if (path.equals("/version") || path.equals("/version/")) {
            return ok(Map.of(
                    "major",
                    "1",
                    "minor",
                    "32",
                    "gitVersion",
                    "v1.32.0-rocketkube-standin",
                    "platform",
                    "linux/amd64"));
        }
        if (path.startsWith("/openapi")) {
            return status(404, "NotFound", "no OpenAPI in the stand-in");
        }
        if (path.equals("/api") || path.equals("/api/")) {
            return ok(Map.of(
                    "kind",
                    "APIVersions",
                    "versions",
                    List.of("v1"),
                    "serverAddressByClientCIDRs",
                    List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", serverAddress))));
        }
        if (path.equals("/api/v1") || path.equals("/api/v1/")) {
            return resourceList(
                    "v1", ApiResources.entries(ApiResources.builtIn().get("v1")));
        }
        Map<String, List<Map<String, Object>>> groups = groupVersions();
        if (path.equals("/apis") || path.equals("/apis/")) {
            List<Map<String, Object>> list = new ArrayList<>();
            Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
            groups.keySet().forEach(gv -> {
                int slash = gv.indexOf('/');
                versionsByGroup
                        .computeIfAbsent(gv.substring(0, slash), g -> new ArrayList<>())
                        .add(gv.substring(slash + 1));
            });
            versionsByGroup.forEach((group, versions) -> {
                List<Map<String, String>> gvs = versions.stream()
                        .map(v -> Map.of("groupVersion", group + "/" + v, "version", v))
                        .toList();
                list.add(Map.of("name", group, "versions", gvs, "preferredVersion", gvs.get(0)));
            });
            return ok(Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", list));
        }
        Matcher matcher = GROUP_VERSION.matcher(path);
        if (matcher.matches()) {
            String gv = matcher.group(1) + "/" + matcher.group(2);
            List<Map<String, Object>> resources = groups.get(gv);
            return resources == null ? status(404, "NotFound", "no group version " + gv) : resourceList(gv, resources);
        }
        return null;
    }

    /** Built-in group versions (without core v1) and those of the stored CRDs. */
    private Map<String, List<Map<String, Object>>> groupVersions() {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        ApiResources.builtIn().forEach((gv, resources) -> {
            if (gv.contains("/")) {
                groups.put(gv, ApiResources.entries(resources));
            }
        });
        for (JsonNode crd : storedCrds()) {
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asText();
            JsonNode names = spec.path("names");
            List<String> shortNames = new ArrayList<>();
            names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                boolean status = version.path("subresources").has("status");
                boolean scale = version.path("subresources").has("scale");
                ApiResources.Resource resource = new ApiResources.Resource(
                        names.path("plural").asText(),
                        names.path("singular").asText(),
                        names.path("kind").asText(),
                        !"Cluster".equals(spec.path("scope").asText()),
                        shortNames,
                        status,
                        false);
                List<Map<String, Object>> entries = groups.computeIfAbsent(
                        group + "/" + version.path("name").asText(), gv -> new ArrayList<>());
                entries.addAll(ApiResources.entries(List.of(resource)));
                if (scale) {
                    entries.add(Map.of(
                            "name",
                            resource.name() + "/scale",
                            "singularName",
                            "",
                            "namespaced",
                            resource.namespaced(),
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
        }
        return groups;
    }

    private List<JsonNode> storedCrds() {
        MockResponse response = crud.handleGet(CRDS);
        List<JsonNode> crds = new ArrayList<>();
        if (response.code() != 200 || response.getBody() == null) {
            return crds;
        }
        try {
            json.readTree(response.getBody().getBytes()).path("items").forEach(crds::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return crds;
    }

    private MockResponse resourceList(String groupVersion, List<Map<String, Object>> resources) {
        return ok(Map.of(
                "kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion, "resources", resources));
    }

    private MockResponse ok(Object body) {
        try {
            return new MockResponse()
                    .setResponseCode(200)
                    .setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private MockResponse status(int code, String reason, String message) {
        try {
            return new MockResponse()
                    .setResponseCode(code)
                    .setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(Map.of(
                            "kind",
                            "Status",
                            "apiVersion",
                            "v1",
                            "status",
                            "Failure",
                            "reason",
                            reason,
                            "message",
                            message,
                            "code",
                            code)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
