package io.rocketkube.namesrv.kv;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared KV config a NameServer is started with, so that entries such as ORDER_TOPIC_CONFIG survive a
 * restart on an {@code emptyDir}: the operator renders the RocketCluster's {@code spec.nameServers.kvConfig}
 * into this file. Layout, plain UTF-8 JSON with string leaves only:
 *
 * <pre>
 * {
 *   "ORDER_TOPIC_CONFIG": { "TopicA": "broker-a:4;broker-b:4" },
 *   "&lt;namespace&gt;":    { "&lt;key&gt;": "&lt;value&gt;" }
 * }
 * </pre>
 *
 * <p>The file is parsed whole before anything is applied: anything else than this shape (a number leaf, a
 * duplicate key, trailing text, an empty namespace name) refuses the start with the path and the reason, since
 * a half-understood seed would serve a config nobody declared.
 */
public final class KvSeed {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private KvSeed() {}

    /** Reads and validates the seed; the result is {@code namespace -> key -> value} in file order. */
    public static Map<String, Map<String, String>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("KV seed file " + file + " does not exist or is not a regular file");
        }
        try {
            return parse(STRICT.readTree(Files.readAllBytes(file)));
        } catch (JsonProcessingException e) {
            throw new IOException("KV seed file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("KV seed file " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static Map<String, Map<String, String>> parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected an object {namespace: {key: value}}");
        }
        Map<String, Map<String, String>> seed = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> namespace = it.next();
            seed.put(requireName("namespace", namespace.getKey()), entries(namespace.getKey(), namespace.getValue()));
        }
        return seed;
    }

    private static Map<String, String> entries(String namespace, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "namespace " + namespace + " must map to an object of strings, got " + node.getNodeType());
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("value of " + namespace + "/" + entry.getKey()
                        + " must be a string, got " + entry.getValue().getNodeType());
            }
            entries.put(
                    requireName("key in " + namespace, entry.getKey()),
                    entry.getValue().textValue());
        }
        return entries;
    }

    private static String requireName(String what, String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a " + what + " name is empty");
        }
        return name;
    }
}
