package io.rocketkube.operator.model;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Short content hashes. A pod template carries the hash of everything its pods were built from
 * ({@link #ANNOTATION}); a pod whose hash differs from its StatefulSet's is due for a restart.
 */
public final class ConfigHash {

    /** On pod templates (and so on pods): the hash of the pod's configuration. */
    public static final String ANNOTATION = "rocketkube.io/config-hash";

    private ConfigHash() {}

    /** 16 hex digits of the SHA-256 of the objects' JSON; the builders emit fields in a fixed order. */
    public static String of(Object... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                String text = part instanceof String s ? s : Serialization.asJson(part);
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
