package io.rocketkube.broker.group;

import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.protocol.SubscriptionGroupWrapper;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Consumer group settings: lookups, auto-creation on first use, admin changes, persistence. Same contract as
 * the topic table: a change is on disk before anyone is told it succeeded.
 *
 * <p>Thread-safe: reads are lock-free, changes serialised on this object.
 */
public final class SubscriptionGroupManager {
    /** Groups the reference broker creates at start (§9.2). */
    private static final List<String> BUILT_IN = List.of(
            "TOOLS_CONSUMER",
            "FILTERSRV_CONSUMER",
            "SELF_TEST_C_GROUP",
            "CID_ONS-HTTP-PROXY",
            "CID_ONSAPI_PULL",
            "CID_ONSAPI_PERMISSION",
            "CID_ONSAPI_OWNER");

    private final Map<String, SubscriptionGroupConfig> groups = new ConcurrentHashMap<>();
    private final ChecksummedFile file;
    private final Clock clock;
    private final BooleanSupplier autoCreate;
    private volatile DataVersion dataVersion;

    private SubscriptionGroupManager(ChecksummedFile file, Clock clock, BooleanSupplier autoCreate) {
        this.file = file;
        this.clock = clock;
        this.autoCreate = autoCreate;
        this.dataVersion = new DataVersion(0, clock.millis(), null);
    }

    /** @param autoCreate whether an unknown group gets a config now ({@code autoCreateSubscriptionGroup}) */
    public static SubscriptionGroupManager load(ChecksummedFile file, Clock clock, BooleanSupplier autoCreate)
            throws IOException {
        SubscriptionGroupManager manager = new SubscriptionGroupManager(file, clock, autoCreate);
        Optional<byte[]> stored = file.read();
        if (stored.isPresent()) {
            SubscriptionGroupWrapper wrapper =
                    RemotingJson.mapper().readValue(stored.get(), SubscriptionGroupWrapper.class);
            if (wrapper.subscriptionGroupTable() != null) {
                manager.groups.putAll(wrapper.subscriptionGroupTable());
            }
            if (wrapper.dataVersion() != null) {
                manager.dataVersion = wrapper.dataVersion();
            }
        }
        synchronized (manager) {
            boolean changed = false;
            for (String name : BUILT_IN) {
                changed |= manager.groups.putIfAbsent(name, SubscriptionGroupConfig.defaults(name)) == null;
            }
            if (changed) {
                manager.commit();
            }
        }
        return manager;
    }

    public Optional<SubscriptionGroupConfig> find(String group) {
        return Optional.ofNullable(groups.get(group));
    }

    /** The group's config, created with the defaults when auto-creation is on; empty otherwise. */
    public Optional<SubscriptionGroupConfig> findOrCreate(String group) {
        SubscriptionGroupConfig existing = groups.get(group);
        if (existing != null || !autoCreate.getAsBoolean()) {
            return Optional.ofNullable(existing);
        }
        return Optional.ofNullable(findOrCreateAll(List.of(group)).get(group));
    }

    /**
     * {@link #findOrCreate(String)} for several groups with one write of the table for all those created (a
     * heartbeat may name a thousand new groups; a write each made it take seconds). Groups without a config
     * (auto-creation off) are absent from the result. On a failed write none of them is created.
     */
    public Map<String, SubscriptionGroupConfig> findOrCreateAll(Collection<String> names) {
        Map<String, SubscriptionGroupConfig> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            SubscriptionGroupConfig existing = groups.get(name);
            if (existing != null) {
                found.put(name, existing);
            } else if (autoCreate.getAsBoolean()) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        synchronized (this) {
            List<String> created = new ArrayList<>();
            for (String name : missing) {
                SubscriptionGroupConfig existing = groups.get(name);
                if (existing == null) {
                    existing = SubscriptionGroupConfig.defaults(name);
                    groups.put(name, existing);
                    created.add(name);
                }
                found.put(name, existing);
            }
            if (!created.isEmpty()) {
                commitOr(() -> created.forEach(groups::remove));
            }
        }
        return found;
    }

    public synchronized void upsert(SubscriptionGroupConfig config) {
        SubscriptionGroupConfig previous = groups.put(config.groupName(), config);
        if (!config.equals(previous)) {
            commitOrRollback(config.groupName(), previous);
        }
    }

    public synchronized boolean delete(String group) {
        SubscriptionGroupConfig previous = groups.remove(group);
        if (previous == null) {
            return false;
        }
        commitOrRollback(group, previous);
        return true;
    }

    public synchronized SubscriptionGroupWrapper snapshot() {
        return new SubscriptionGroupWrapper(new TreeMap<>(groups), dataVersion);
    }

    /**
     * A slave's copy of its master's groups (metadata sync): applied, with the master's version, when that
     * version differs from ours; on disk before it is visible, and groups the master kept never absent in between.
     *
     * @return whether anything was applied
     */
    public synchronized boolean replaceWith(SubscriptionGroupWrapper master) {
        Map<String, SubscriptionGroupConfig> table =
                master.subscriptionGroupTable() == null ? Map.of() : master.subscriptionGroupTable();
        DataVersion version = master.dataVersion() == null ? DataVersion.EMPTY : master.dataVersion();
        if (version.equals(dataVersion)) {
            return false;
        }
        try {
            file.write(RemotingJson.encode(new SubscriptionGroupWrapper(new TreeMap<>(table), version)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist subscription groups to " + file.path(), e);
        }
        groups.keySet().retainAll(table.keySet());
        groups.putAll(table);
        dataVersion = version;
        return true;
    }

    private void commitOrRollback(String group, SubscriptionGroupConfig previous) {
        commitOr(() -> {
            if (previous == null) {
                groups.remove(group);
            } else {
                groups.put(group, previous);
            }
        });
    }

    /** Writes the table; if that fails, {@code undo} takes the change back out of memory and the caller gets the error. */
    private void commitOr(Runnable undo) {
        try {
            commit();
        } catch (IOException e) {
            undo.run();
            throw new UncheckedIOException("cannot persist subscription groups to " + file.path(), e);
        }
    }

    private void commit() throws IOException {
        DataVersion next = dataVersion.next(clock.millis());
        file.write(RemotingJson.encode(new SubscriptionGroupWrapper(new TreeMap<>(groups), next)));
        dataVersion = next;
    }
}
