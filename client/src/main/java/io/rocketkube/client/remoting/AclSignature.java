package io.rocketkube.client.remoting;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RocketMQ 4.9's request signature (what {@code AclClientRPCHook} puts on every request and a broker with
 * {@code aclEnable} checks): {@code Base64(HmacSHA1(secretKey, content))}, where the content is the values of every
 * ext field but {@code Signature} and {@code _UNIQUE_KEY_QUERY}, in the order of their names, then the body. The
 * access key is itself an ext field, so it is signed too.
 *
 * <p>One implementation for the broker that checks signatures, the slave that signs its requests to its master,
 * and the operator that signs its admin requests. Thread-safe (one {@link Mac} per thread).
 */
public final class AclSignature {

    public static final String ACCESS_KEY = "AccessKey";
    public static final String SIGNATURE = "Signature";
    private static final String UNIQUE_KEY_QUERY = "_UNIQUE_KEY_QUERY";
    private static final String HMAC = "HmacSHA1";
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(HMAC);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + HMAC, e);
        }
    });

    private AclSignature() {}

    /** Puts {@code accessKey} and the signature of the request (as it is now) with {@code secretKey} on it. */
    public static RemotingCommand sign(RemotingCommand request, String accessKey, String secretKey) {
        request.withExtField(ACCESS_KEY, accessKey);
        return request.withExtField(SIGNATURE, of(request, secretKey));
    }

    /** The signature of {@code request} (its ext fields as they are now, and its body) with a secret key. */
    public static String of(RemotingCommand request, String secretKey) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), HMAC));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("a secret key HmacSHA1 cannot use", e);
        }
        mac.update(signedFields(request));
        ByteBuffer body = request.bodyByteBuffer().duplicate();
        mac.update(body);
        return Base64.getEncoder().encodeToString(mac.doFinal());
    }

    private static byte[] signedFields(RemotingCommand request) {
        StringBuilder content = new StringBuilder();
        new TreeMap<>(request.extFields()).forEach((name, value) -> {
            if (!SIGNATURE.equals(name) && !UNIQUE_KEY_QUERY.equals(name) && value != null) {
                content.append(value);
            }
        });
        return content.toString().getBytes(StandardCharsets.UTF_8);
    }
}
