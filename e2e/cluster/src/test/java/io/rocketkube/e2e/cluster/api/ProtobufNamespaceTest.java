package io.rocketkube.e2e.cluster.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The decoder of kubectl's protobuf Namespace, on bytes kubectl 1.32 sent and built ones. */
class ProtobufNamespaceTest {

    /** {@code kubectl create namespace foo}, as kubectl v1.32.4 posted it. */
    private static final byte[] KUBECTL_FOO = bytes("k8s\0\n\u000f\n\u0002v1\u0012\tNamespace"
            + "\u0012\u001b\n\u0013\n\u0003foo\u0012\u0000\u001a\u0000\"\u0000*\u00002\u00008\u0000"
            + "B\u0000\u0012\u0000\u001a\u0002\n\u0000\u001a\u0000\"\u0000");

    @Test
    void readsTheNameKubectlSent() {
        ProtobufNamespace.Meta meta = ProtobufNamespace.read(KUBECTL_FOO).orElseThrow();
        assertThat(meta.name()).isEqualTo("foo");
        assertThat(meta.generateName()).isNull();
        assertThat(meta.labels()).isEmpty();
    }

    @Test
    void readsLabelsAndAnnotations() {
        byte[] objectMeta = concat(
                field(1, utf8("east")),
                field(11, concat(field(1, utf8("team")), field(2, utf8("mq")))),
                field(12, concat(field(1, utf8("a")), field(2, utf8("b")))));
        byte[] body = concat(
                utf8("k8s\0"),
                field(1, concat(field(1, utf8("v1")), field(2, utf8("Namespace")))),
                field(2, field(1, objectMeta)));
        ProtobufNamespace.Meta meta = ProtobufNamespace.read(body).orElseThrow();
        assertThat(meta.name()).isEqualTo("east");
        assertThat(meta.labels()).containsExactly(java.util.Map.entry("team", "mq"));
        assertThat(meta.annotations()).containsExactly(java.util.Map.entry("a", "b"));
    }

    @Test
    void refusesOtherKindsAndBrokenBodies() {
        byte[] secret = concat(
                utf8("k8s\0"),
                field(1, concat(field(1, utf8("v1")), field(2, utf8("Secret")))),
                field(2, field(1, field(1, utf8("s")))));
        assertThat(ProtobufNamespace.read(secret)).isEmpty();
        assertThat(ProtobufNamespace.read(utf8("{\"kind\":\"Namespace\"}"))).isEmpty();
        for (int cut = 4; cut < KUBECTL_FOO.length - 1; cut++) {
            byte[] truncated = Arrays.copyOf(KUBECTL_FOO, cut);
            // Never an exception: either empty or (cut inside skipped trailing fields) a Namespace.
            assertThat(ProtobufNamespace.read(truncated)).isNotNull();
        }
        byte[] lying = KUBECTL_FOO.clone();
        lying[22] = 0x7f; // the raw field's length points past the end
        assertThat(ProtobufNamespace.read(lying)).isEmpty();
    }

    private static byte[] field(int number, byte[] value) {
        return concat(new byte[] {(byte) (number << 3 | 2), (byte) value.length}, value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
