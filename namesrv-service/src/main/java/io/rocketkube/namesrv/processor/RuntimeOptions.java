package io.rocketkube.namesrv.processor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings an admin may change on a running NameServer (UPDATE_NAMESRV_CONFIG). Everything else (address,
 * data directory) is fixed at start: changing where we write at runtime is how the reference got a CVE.
 *
 * <p>A change survives a restart, as the reference's (which writes its config file): the values changed at
 * runtime are kept in {@code runtime-options.dat} in the data directory, a {@link ChecksummedFile} (magic
 * "RKRO") around JSON {@code {"orderMessageEnable":"true","brokerExpiryMillis":"60000"}}, and override the
 * configured values at the next start. A change is on disk before it takes effect; a failed write changes
 * nothing.
 */
public final class RuntimeOptions {
    static final int MAGIC = 0x524B524F;
    static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "runtime-options.dat";

    private final ChecksummedFile file;
    /** The values changed at runtime, by their RocketMQ names; what the file holds. */
    private final Map<String, String> overrides = new TreeMap<>();

    private volatile boolean orderMessageEnable;
    private volatile long brokerExpiryMillis;

    /** Options without a file: what tests of the processors use. */
    public RuntimeOptions(boolean orderMessageEnable, Duration brokerExpiry) {
        this((ChecksummedFile) null, orderMessageEnable, brokerExpiry);
    }

    /** Options kept in {@code dataDir}; {@link #load} reads what was changed before the last stop. */
    public RuntimeOptions(Path dataDir, boolean orderMessageEnable, Duration brokerExpiry) {
        this(new ChecksummedFile(dataDir.resolve(FILE_NAME), MAGIC, FORMAT_VERSION), orderMessageEnable, brokerExpiry);
    }

    private RuntimeOptions(ChecksummedFile file, boolean orderMessageEnable, Duration brokerExpiry) {
        this.file = file;
        this.orderMessageEnable = orderMessageEnable;
        this.brokerExpiryMillis = brokerExpiry.toMillis();
    }

    /**
     * Puts what was changed at runtime before (the file) over the configured values. A damaged file stops
     * start-up rather than silently dropping an admin's change.
     */
    public synchronized void load() throws IOException {
        Optional<byte[]> payload = file == null ? Optional.empty() : file.read();
        if (payload.isPresent()) {
            Map<String, String> stored =
                    RemotingJson.mapper().readValue(payload.get(), new TypeReference<Map<String, String>>() {});
            apply(stored);
        }
    }

    public boolean orderMessageEnable() {
        return orderMessageEnable;
    }

    public long brokerExpiryMillis() {
        return brokerExpiryMillis;
    }

    /**
     * Sets the values in {@code changes} (RocketMQ names to values, already validated): persisted first, then
     * in effect.
     */
    synchronized void update(Map<String, String> changes) throws IOException {
        Map<String, String> next = new TreeMap<>(overrides);
        next.putAll(changes);
        if (file != null) {
            file.write(RemotingJson.encode(next));
        }
        apply(next);
    }

    private void apply(Map<String, String> values) {
        overrides.clear();
        overrides.putAll(values);
        String order = values.get(NamesrvConfigProcessor.ORDER_MESSAGE_ENABLE);
        if (order != null) {
            orderMessageEnable = Boolean.parseBoolean(order.trim());
        }
        String expiry = values.get(NamesrvConfigProcessor.BROKER_EXPIRY_MILLIS);
        if (expiry != null) {
            brokerExpiryMillis = Long.parseLong(expiry.trim());
        }
    }
}
