package io.rocketkube.e2e.cluster.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the one protobuf body kubectl sends that the stand-in needs: {@code kubectl create
 * namespace} posts its Namespace through client-go's typed client as
 * {@code application/vnd.kubernetes.protobuf} (it asks for no discovery first, so nothing the
 * server answers makes it choose JSON). The CRUD mock stores JSON only, so the front turns that
 * body into the Namespace's JSON: name, generateName, labels and annotations, which is all a
 * Namespace carries that the stand-in uses. Any other protobuf body stays refused (415).
 *
 * <pre>
 * offset 0  "k8s\0"                         magic of Kubernetes' protobuf encoding
 * offset 4  runtime.Unknown (protobuf message):
 *             1 typeMeta  { 1 apiVersion "v1", 2 kind "Namespace" }
 *             2 raw       Namespace { 1 metadata ObjectMeta, 2 spec, 3 status }
 *           ObjectMeta: 1 name, 2 generateName, 11 labels, 12 annotations
 *                       (map entries { 1 key, 2 value }); other fields skipped
 * </pre>
 */
final class ProtobufNamespace {

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    /** Namespace metadata as the JSON body's fields. */
    record Meta(String name, String generateName, Map<String, String> labels, Map<String, String> annotations) {}

    private ProtobufNamespace() {}

    /** The Namespace in {@code body}, or empty if it is not a v1 Namespace in that encoding. */
    static Optional<Meta> read(byte[] body) {
        if (body.length < MAGIC.length) {
            return Optional.empty();
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return Optional.empty();
            }
        }
        try {
            Reader unknown = new Reader(body, MAGIC.length, body.length);
            String apiVersion = null;
            String kind = null;
            Reader raw = null;
            while (unknown.more()) {
                int tag = unknown.varint32();
                if (tag == key(1, 2)) {
                    Reader typeMeta = unknown.nested();
                    while (typeMeta.more()) {
                        int t = typeMeta.varint32();
                        if (t == key(1, 2)) {
                            apiVersion = typeMeta.string();
                        } else if (t == key(2, 2)) {
                            kind = typeMeta.string();
                        } else {
                            typeMeta.skip(t);
                        }
                    }
                } else if (tag == key(2, 2)) {
                    raw = unknown.nested();
                } else {
                    unknown.skip(tag);
                }
            }
            if (!"v1".equals(apiVersion) || !"Namespace".equals(kind) || raw == null) {
                return Optional.empty();
            }
            Meta meta = new Meta(null, null, new LinkedHashMap<>(), new LinkedHashMap<>());
            while (raw.more()) {
                int tag = raw.varint32();
                if (tag == key(1, 2)) {
                    meta = objectMeta(raw.nested());
                } else {
                    raw.skip(tag);
                }
            }
            return Optional.of(meta);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Meta objectMeta(Reader in) {
        String name = null;
        String generateName = null;
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        while (in.more()) {
            int tag = in.varint32();
            if (tag == key(1, 2)) {
                name = in.string();
            } else if (tag == key(2, 2)) {
                generateName = in.string();
            } else if (tag == key(11, 2)) {
                entry(in.nested(), labels);
            } else if (tag == key(12, 2)) {
                entry(in.nested(), annotations);
            } else {
                in.skip(tag);
            }
        }
        return new Meta(
                name == null || name.isEmpty() ? null : name,
                generateName == null || generateName.isEmpty() ? null : generateName,
                labels,
                annotations);
    }

    private static void entry(Reader in, Map<String, String> into) {
        String k = "";
        String v = "";
        while (in.more()) {
            int tag = in.varint32();
            if (tag == key(1, 2)) {
                k = in.string();
            } else if (tag == key(2, 2)) {
                v = in.string();
            } else {
                in.skip(tag);
            }
        }
        into.put(k, v);
    }

    private static int key(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** Protobuf wire format over a byte range: varints, length-delimited fields, skipping. */
    private static final class Reader {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        int varint32() {
            return (int) varint();
        }

        Reader nested() {
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new IllegalArgumentException("length " + length + " past the end");
            }
            Reader nested = new Reader(bytes, pos, pos + (int) length);
            pos += (int) length;
            return nested;
        }

        String string() {
            Reader range = nested();
            return new String(bytes, range.pos, range.end - range.pos, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> nested();
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("wire type " + (tag & 7));
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new IllegalArgumentException("truncated field");
            }
            pos += n;
        }
    }
}
