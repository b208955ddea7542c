package io.rocketkube.broker.acl;

import io.rocketkube.client.remoting.AclSignature;
import io.rocketkube.client.remoting.RemotingCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's ACL (docs/acl.md): the current {@link AclConfig} read from plain_acl.yml, every request checked
 * against it ({@link AccessCheck}), the file re-read when it changes, and the admin requests' edits written to it.
 *
 * <p>Re-reading: {@link #reloadIfChanged} is run every second by the broker and compares a digest of the file's
 * bytes, so a Kubernetes Secret update (a symlink swap that may keep the modification time) is seen; a change is
 * applied once it has stayed the same for a second, within about two seconds. A file that no longer parses or validates is logged and ignored: the broker keeps enforcing the last good
 * version rather than locking everyone out or letting everyone in. At start the file must exist and be valid.
 *
 * <p>Thread-safety: the config is one volatile reference, read by request threads; reloads and edits are
 * serialized on this object.
 */
public final class AclService {
    private static final Logger LOG = LoggerFactory.getLogger(AclService.class);

    private final Path file;
    private final Clock clock;
    private volatile AclConfig config;
    private byte[] digest;
    /** A change seen once and not applied yet (null: none). */
    private byte[] changedTo;

    private AclService(Path file, Clock clock, AclConfig config, byte[] digest) {
        this.file = file;
        this.clock = clock;
        this.config = config;
        this.digest = digest;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException naming the file if it is missing, unreadable or invalid (the broker does not start)
     */
    public static AclService open(Path file, Clock clock) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("acl-enable is true but the ACL file " + file + " does not exist", e);
        }
        try {
            AclConfig config = AclFile.validate(AclFile.parse(bytes), 1, clock.millis());
            LOG.info(
                    "ACL on: {} accounts, {} global white address patterns from {}",
                    config.accounts().size(),
                    config.globalWhiteRemoteAddresses().size(),
                    file);
            return new AclService(file, clock, config, sha256(bytes));
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("the ACL file " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    /** Why {@code request} from {@code client} is refused, or empty if it may go on. */
    public Optional<String> refusal(RemotingCommand request, InetAddress client) {
        return AccessCheck.refusal(config, request, client);
    }

    /**
     * {@code request} signed for another broker of the cluster (the slave's metadata sync from its master), with the
     * first admin account of this broker's file: the brokers of a cluster share one ACL file, as RocketMQ deploys
     * it, so the master knows that account. Unchanged if the file has no admin account (the master must then let
     * this broker's address in without one).
     */
    public RemotingCommand signed(RemotingCommand request) {
        Optional<AclAccount> inner = config.accounts().values().stream()
                .filter(AclAccount::admin)
                .min(java.util.Comparator.comparing(AclAccount::accessKey));
        if (inner.isEmpty()) {
            return request;
        }
        return AclSignature.sign(request, inner.get().accessKey(), inner.get().secretKey());
    }

    public AclConfig config() {
        return config;
    }

    public Path file() {
        return file;
    }

    /**
     * Re-reads the file if its bytes changed and have stayed the same since the previous call (about a second
     * earlier), so that a file being written by an editor or a tool is not taken half-written; a bad file is
     * logged and the current version kept. The bytes checked are the bytes parsed.
     */
    public synchronized void reloadIfChanged() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.warn("cannot read the ACL file {}; keeping version {}: {}", file, config.version(), e.toString());
            return;
        }
        byte[] now = sha256(bytes);
        if (MessageDigest.isEqual(now, digest)) {
            changedTo = null;
            return;
        }
        if (changedTo == null || !MessageDigest.isEqual(now, changedTo)) {
            // Seen for the first time: apply only if it is still these bytes next time.
            changedTo = now;
            return;
        }
        try {
            AclConfig next = AclFile.validate(AclFile.parse(bytes), config.version() + 1, clock.millis());
            config = next;
            digest = now;
            LOG.info(
                    "ACL file {} changed: version {}, {} accounts, {} global white address patterns",
                    file,
                    next.version(),
                    next.accounts().size(),
                    next.globalWhiteRemoteAddresses().size());
        } catch (IllegalArgumentException | IOException e) {
            // Not recorded as seen: a fix to the same bytes must still be picked up, and this is logged each second
            // until then, which is what a broken security file deserves.
            LOG.error("the ACL file {} is not valid; keeping version {}: {}", file, config.version(), e.getMessage());
        }
    }

    /**
     * Adds {@code account}, or updates the one with its access key as RocketMQ does: each field given (not null, a
     * list not empty) replaces the stored one, the others stay (UPDATE_AND_CREATE_ACL_CONFIG).
     */
    public synchronized void upsert(AclFile.Account account) throws IOException {
        edit(doc -> {
            List<AclFile.Account> accounts = new ArrayList<>();
            boolean updated = false;
            for (AclFile.Account a : doc.accounts()) {
                if (a != null && account.accessKey().equals(a.accessKey())) {
                    accounts.add(merged(a, account));
                    updated = true;
                } else if (a != null) {
                    accounts.add(a);
                }
            }
            if (!updated) {
                accounts.add(account);
            }
            return new AclFile.Document(doc.globalWhiteRemoteAddresses(), accounts);
        });
    }

    private static AclFile.Account merged(AclFile.Account stored, AclFile.Account given) {
        return new AclFile.Account(
                stored.accessKey(),
                given.secretKey() != null ? given.secretKey() : stored.secretKey(),
                given.whiteRemoteAddress() != null ? given.whiteRemoteAddress() : stored.whiteRemoteAddress(),
                given.admin() != null ? given.admin() : stored.admin(),
                given.defaultTopicPerm() != null ? given.defaultTopicPerm() : stored.defaultTopicPerm(),
                given.defaultGroupPerm() != null ? given.defaultGroupPerm() : stored.defaultGroupPerm(),
                given.topicPerms() != null && !given.topicPerms().isEmpty() ? given.topicPerms() : stored.topicPerms(),
                given.groupPerms() != null && !given.groupPerms().isEmpty() ? given.groupPerms() : stored.groupPerms());
    }

    /** Removes the account; false if there is none (DELETE_ACL_CONFIG). */
    public synchronized boolean delete(String accessKey) throws IOException {
        AclFile.Document doc = AclFile.read(file);
        if (doc.accounts().stream().noneMatch(a -> a != null && accessKey.equals(a.accessKey()))) {
            return false;
        }
        edit(d -> new AclFile.Document(
                d.globalWhiteRemoteAddresses(),
                d.accounts().stream()
                        .filter(a -> a != null && !accessKey.equals(a.accessKey()))
                        .toList()));
        return true;
    }

    /** Replaces the global white list (UPDATE_GLOBAL_WHITE_ADDRS_CONFIG). */
    public synchronized void replaceGlobalWhiteAddresses(List<String> patterns) throws IOException {
        edit(doc -> new AclFile.Document(patterns, doc.accounts()));
    }

    /**
     * Reads the file, applies {@code change}, checks the result as a whole and only then writes it and makes it
     * current: an edit that would make the file invalid is refused with nothing written.
     */
    private void edit(UnaryOperator<AclFile.Document> change) throws IOException {
        AclFile.Document changed = change.apply(AclFile.read(file));
        AclConfig next = AclFile.validate(changed, config.version() + 1, clock.millis());
        AclFile.write(file, changed);
        config = next;
        digest = sha256(Files.readAllBytes(file));
        changedTo = null;
        LOG.info("ACL file {} edited by an admin request: version {}", file, next.version());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
