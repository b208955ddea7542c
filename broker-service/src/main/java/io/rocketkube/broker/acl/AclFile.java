package io.rocketkube.broker.acl;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.rocketkube.client.util.ParseErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RocketMQ 4.9's {@code plain_acl.yml}, the file operators already write for their brokers (docs/acl.md):
 *
 * <pre>
 * globalWhiteRemoteAddresses:        # let in without an account
 *   - 10.10.103.*
 * accounts:
 *   - accessKey: RocketMQ             # at least 6 characters, unique
 *     secretKey: 12345678             # at least 6 characters
 *     whiteRemoteAddress: 192.168.0.* # this account needs no signature from there
 *     admin: false
 *     defaultTopicPerm: DENY          # PUB, SUB, PUB|SUB or DENY (absent: DENY)
 *     defaultGroupPerm: SUB
 *     topicPerms: [topicA=DENY, topicB=PUB|SUB]
 *     groupPerms: [groupA=DENY, groupB=SUB]
 * </pre>
 *
 * <p>It is the operator's file, not ours, so it carries no magic or checksum: a half-written file fails to parse
 * or validate and the broker keeps the version it had ({@link AclService}). Writes (the admin requests) replace
 * it atomically. Unknown keys (RocketMQ writes a {@code dataVersion}) are ignored and not written back.
 */
public final class AclFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private AclFile() {}

    /** The file as written. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Document(List<String> globalWhiteRemoteAddresses, List<Account> accounts) {
        public Document {
            globalWhiteRemoteAddresses =
                    globalWhiteRemoteAddresses == null ? List.of() : List.copyOf(globalWhiteRemoteAddresses);
            accounts = accounts == null ? List.of() : List.copyOf(accounts);
        }
    }

    /** One account as written; absent fields are null. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Account(
            String accessKey,
            String secretKey,
            String whiteRemoteAddress,
            Boolean admin,
            String defaultTopicPerm,
            String defaultGroupPerm,
            List<String> topicPerms,
            List<String> groupPerms) {}

    /** @throws IOException if it cannot be read, is empty, or is not YAML of this shape */
    public static Document read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /**
     * The document in {@code bytes}. An empty file is refused rather than read as "no accounts": with the ACL on
     * that would refuse every request, and it is what a file caught half-written looks like.
     *
     * @throws IOException if empty or not YAML of this shape
     */
    public static Document parse(byte[] bytes) throws IOException {
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw new IOException("the ACL file is empty");
        }
        try {
            return YAML.readValue(bytes, Document.class);
        } catch (JsonProcessingException e) {
            // Not e's message: Jackson quotes the value it could not read, which may be a secret key.
            throw new IOException("not YAML of the ACL file's shape: " + ParseErrors.withoutContent(e));
        }
    }

    /**
     * Replaces the file with {@code document}: a reader sees the old file or the new one, the new one durable and
     * with the old one's permissions (the file holds secret keys; a default umask would make it world-readable). A
     * symbolic link is followed, so the file it names is replaced and the link kept.
     */
    public static void write(Path file, Document document) throws IOException {
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        byte[] bytes = YAML.writeValueAsBytes(document);
        Set<PosixFilePermission> permissions = posixPermissions(target);
        Files.deleteIfExists(tmp);
        if (permissions == null) {
            Files.createFile(tmp);
        } else {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(permissions));
            Files.setPosixFilePermissions(tmp, permissions);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The file's POSIX permissions; null on a file system without them. */
    private static Set<PosixFilePermission> posixPermissions(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The checked form of {@code document}.
     *
     * @throws IllegalArgumentException naming the first problem: a short or repeated access key, an unknown
     *     permission, a resource not written {@code name=PERM}, an address pattern that is none of RocketMQ's
     */
    public static AclConfig validate(Document document, long version, long now) {
        List<RemoteAddressPattern> white = new ArrayList<>();
        for (String pattern : document.globalWhiteRemoteAddresses()) {
            white.add(RemoteAddressPattern.parse(pattern));
        }
        Map<String, AclAccount> accounts = new LinkedHashMap<>();
        for (Account a : document.accounts()) {
            if (a == null) {
                continue;
            }
            AclAccount account = account(a);
            if (accounts.putIfAbsent(account.accessKey(), account) != null) {
                throw new IllegalArgumentException("accessKey " + account.accessKey() + " is configured twice");
            }
        }
        return new AclConfig(white, accounts, version, now);
    }

    private static AclAccount account(Account a) {
        String key = a.accessKey();
        try {
            return new AclAccount(
                    key,
                    a.secretKey(),
                    RemoteAddressPattern.parse(a.whiteRemoteAddress()),
                    Boolean.TRUE.equals(a.admin()),
                    a.defaultTopicPerm() == null ? AclPermission.DENY : AclPermission.parse(a.defaultTopicPerm()),
                    a.defaultGroupPerm() == null ? AclPermission.DENY : AclPermission.parse(a.defaultGroupPerm()),
                    resources(a.topicPerms(), "topic"),
                    resources(a.groupPerms(), "group"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("account " + key + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Byte> resources(List<String> entries, String kind) {
        Map<String, Byte> perms = new HashMap<>();
        if (entries == null) {
            return perms;
        }
        for (String entry : entries) {
            String[] items = entry == null ? new String[0] : entry.split("=", -1);
            if (items.length != 2 || items[0].isBlank()) {
                throw new IllegalArgumentException("Parse resource permission failed for " + kind + ":" + entry
                        + ", expected '" + kind + "Name=PUB|SUB'");
            }
            perms.put(items[0].trim(), AclPermission.parse(items[1]));
        }
        return perms;
    }
}
