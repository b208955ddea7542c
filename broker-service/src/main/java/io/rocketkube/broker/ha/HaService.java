package io.rocketkube.broker.ha;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.rocketkube.broker.registration.MasterAddress;
import io.rocketkube.broker.settings.BrokerRole;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.broker.util.SafeTask;
import io.rocketkube.client.protocol.HaRuntimeInfo;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingException;
import io.rocketkube.store.MessageStore;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Replication for one broker, by role: a master runs the {@link HaServer} and the SYNC_MASTER waits, a slave runs
 * the {@link HaClient}. Also the one place lag is computed, for the Micrometer gauges, GET_BROKER_RUNTIME_INFO and
 * slave readiness.
 *
 * <p>Lag. On a master: bytes past the highest offset any slave acknowledged (RocketMQ's
 * {@code slaveFallBehindMuch}), and the age of the oldest such byte ({@link WriteTimeline}). On a slave: bytes
 * between its own end and the master's {@code commitLogMaxOffset}, which it asks the master's remoting port for
 * every heartbeat interval (the HA stream itself never says how far the master is ahead of what it sent), and
 * the time since the master was last heard on the HA channel. A slave is ready only while it replicates, heard
 * its master within the housekeeping interval, and lags at most {@code slaveReadyMaxLagBytes}.
 */
public final class HaService implements AutoCloseable {
    private final BrokerRole role;
    private final MessageStore store;
    private final HaSettings settings;
    private final Clock clock;
    private final ReplicationProgress progress;
    private final WriteTimeline timeline = new WriteTimeline();
    private final MasterAddress masterAddress;
    private final GroupTransferWaiters waiters;
    private volatile HaServer server;
    private HaClient client;
    private RemotingClient probeClient;
    private volatile long masterMaxOffset = -1;
    private final UnaryOperator<RemotingCommand> signer;
    private static final long VIEW_TIMEOUT_MILLIS = 3000;
    /** How RocketMQ (and we) answer VIEW_MESSAGE_BY_ID for an offset where no record is stored. */
    private static final String NO_RECORD_REMARK = "can not find message by the offset";

    /** @param signer adds the ACL signature the master asks of the slave's probe (docs/acl.md); identity without */
    public HaService(
            BrokerRole role,
            MessageStore store,
            HaSettings settings,
            MasterAddress masterAddress,
            Clock clock,
            UnaryOperator<RemotingCommand> signer) {
        this.signer = signer;
        this.role = role;
        this.store = store;
        this.settings = settings;
        this.masterAddress = masterAddress;
        this.clock = clock;
        this.progress = new ReplicationProgress(clock::millis);
        this.waiters = role == BrokerRole.SLAVE ? null : new GroupTransferWaiters(progress::maxAcked);
        if (waiters != null) {
            progress.onAck(waiters::acked);
        }
    }

    /**
     * Starts by role and returns the bound HA port of a master ({@code port} 0: any free one), -1 for a slave.
     *
     * @param scheduler the broker's scheduler, for the one-second samples and the slave's master probe
     */
    public int start(
            String host,
            int port,
            int segmentSize,
            ScheduledExecutorService scheduler,
            RemotingClient remoting,
            MeterRegistry meters)
            throws InterruptedException {
        int bound = -1;
        if (role == BrokerRole.SLAVE) {
            probeClient = remoting;
            client = new HaClient(store, masterAddress::haServer, this::masterRecords, segmentSize, settings, clock);
            client.start();
            long every = settings.heartbeatInterval().toMillis();
            SafeTask.scheduleWithFixedDelay(
                    scheduler, "ha-probe-master", this::probeMaster, meters, 0, every, TimeUnit.MILLISECONDS);
        } else {
            server = new HaServer(store, progress, settings, segmentSize, clock);
            bound = server.start(host, port);
            SafeTask.scheduleWithFixedDelay(
                    scheduler,
                    "ha-write-timeline",
                    () -> timeline.sample(store.maxPhysicalOffset(), clock.millis()),
                    meters,
                    0,
                    1,
                    TimeUnit.SECONDS);
        }
        Gauge.builder("rocketkube.broker.ha.lag.bytes", this, HaService::lagBytes)
                .description("replication lag: on a master, bytes no slave acknowledged; on a slave, bytes behind "
                        + "its master")
                .register(meters);
        Gauge.builder("rocketkube.broker.ha.lag.millis", this, HaService::lagMillis)
                .description("replication lag in time: on a master, age of the oldest byte no slave acknowledged; "
                        + "on a slave, time since it last heard its master")
                .register(meters);
        Gauge.builder("rocketkube.broker.ha.slaves", progress, ReplicationProgress::slaveCount)
                .description("slaves attached to this master's HA port")
                .register(meters);
        return bound;
    }

    /** The send path's hook: SYNC_MASTER waits for a slave, every other role passes through. */
    public SyncMasterReplication syncReplication() {
        return role == BrokerRole.SYNC_MASTER
                ? new SyncMasterReplication(
                        role,
                        progress,
                        waiters,
                        settings.slaveTimeout(),
                        settings.maxGapNotInSync(),
                        this::wakeTransfers)
                : SyncMasterReplication.none();
    }

    private void wakeTransfers(EventLoop senderLoop) {
        HaServer running = server;
        if (running != null) {
            running.wakeTransfers(senderLoop);
        }
    }

    /** The threads a master's HA connections run on (empty on a slave), for diagnostics and tests. */
    public List<String> connectionThreads() {
        HaServer running = server;
        return running == null ? List.of() : running.connectionThreads();
    }

    public ReplicationProgress progress() {
        return progress;
    }

    /** The slave's replication state; empty on a master. */
    public Optional<HaClient.Status> clientStatus() {
        return client == null ? Optional.empty() : Optional.of(client.status());
    }

    public long lagBytes() {
        long own = store.maxPhysicalOffset();
        if (client != null) {
            return masterMaxOffset < 0 ? -1 : Math.max(0, masterMaxOffset - own);
        }
        return Math.max(0, own - progress.maxAcked());
    }

    public long lagMillis() {
        long now = clock.millis();
        if (client != null) {
            long contact = client.status().lastContactMillis();
            return contact < 0 ? -1 : now - contact;
        }
        return timeline.ageOf(progress.maxAcked(), store.maxPhysicalOffset(), now);
    }

    /**
     * Whether this slave's HA connection to its master is up and heard within the housekeeping interval: a
     * master that died is known gone at once (its connection resets), long before the NameServers' answers
     * stop naming it.
     */
    public boolean masterConnected() {
        if (client == null) {
            return false;
        }
        HaClient.Status s = client.status();
        return s.state() == HaClient.State.REPLICATING
                && clock.millis() - s.lastContactMillis()
                        <= settings.housekeepingInterval().toMillis();
    }

    /** Why a slave is not ready; empty when it is (a master always is, as far as replication goes). */
    public Optional<String> notReadyReason() {
        if (client == null) {
            return Optional.empty();
        }
        HaClient.Status s = client.status();
        if (s.state() != HaClient.State.REPLICATING) {
            return Optional.of("replication " + s.state() + ": " + s.reason());
        }
        long silent = clock.millis() - s.lastContactMillis();
        if (silent > settings.housekeepingInterval().toMillis()) {
            return Optional.of("master not heard for " + silent + " ms");
        }
        long lag = lagBytes();
        if (lag < 0) {
            return Optional.of("the master's end is not known yet");
        }
        if (lag > settings.slaveReadyMaxLagBytes()) {
            return Optional.of(lag + " bytes behind the master (bound " + settings.slaveReadyMaxLagBytes() + ")");
        }
        return Optional.empty();
    }

    /** GET_BROKER_HA_STATUS (5.x mqadmin haStatus): a master's slaves, or this slave's replication. */
    public HaRuntimeInfo haStatus() {
        long max = store.maxPhysicalOffset();
        if (client != null) {
            HaClient.Status s = client.status();
            return new HaRuntimeInfo(
                    false,
                    0,
                    0,
                    List.of(),
                    new HaRuntimeInfo.SlaveSide(
                            masterAddress.haServer().orElse(s.master()),
                            s.bytesPerSecond(),
                            max,
                            s.lastContactMillis(),
                            s.lastReportMillis(),
                            0,
                            s.state() == HaClient.State.REPLICATING));
        }
        List<HaRuntimeInfo.SlaveConnection> slaves = progress.links().stream()
                .map(l -> new HaRuntimeInfo.SlaveConnection(
                        l.slave(),
                        l.ackOffset(),
                        max - l.ackOffset(),
                        inSync(l.ackOffset(), max),
                        l.bytesPerSecond(),
                        l.transferFrom()))
                .toList();
        int inSync = (int)
                slaves.stream().filter(HaRuntimeInfo.SlaveConnection::inSync).count();
        return new HaRuntimeInfo(true, max, inSync, slaves, new HaRuntimeInfo.SlaveSide(null, 0, 0, 0, 0, 0, false));
    }

    /** RocketMQ's in-sync slave: less than {@code haMaxGapNotInSync} bytes behind the master's end. */
    private boolean inSync(long ack, long masterMax) {
        return masterMax - ack < settings.maxGapNotInSync();
    }

    /** The HA keys of GET_BROKER_RUNTIME_INFO. */
    public Map<String, String> runtimeInfo() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("haReplicationLagBytes", String.valueOf(lagBytes()));
        t.put("haReplicationLagMillis", String.valueOf(lagMillis()));
        if (client != null) {
            HaClient.Status s = client.status();
            t.put("masterAddr", masterAddress.master().orElse(""));
            t.put("haMasterAddress", masterAddress.haServer().orElse(""));
            t.put("haClientState", s.state().name());
            t.put("haClientReason", s.reason());
            t.put("masterCommitLogMaxOffset", String.valueOf(masterMaxOffset));
            t.put("slaveReady", String.valueOf(notReadyReason().isEmpty()));
        } else {
            t.put("slaveFallBehindMuch", String.valueOf(lagBytes()));
            t.put("haConnectionCount", String.valueOf(progress.slaveCount()));
            t.put("haPush2SlaveMaxOffset", String.valueOf(progress.maxAcked()));
            t.put(
                    "haSlaveAckOffsets",
                    progress.acks().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(";")));
            t.put(
                    "haInSyncSlaveNums",
                    String.valueOf(progress.acks().values().stream()
                            .filter(a -> inSync(a, store.maxPhysicalOffset()))
                            .count()));
        }
        return t;
    }

    private void probeMaster() {
        Optional<String> master = masterAddress.master();
        if (master.isEmpty()) {
            return;
        }
        probeClient
                .invokeAsync(
                        master.get(),
                        signer.apply(RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO)),
                        settings.heartbeatInterval().toMillis())
                .thenAccept(r -> {
                    if (r.code() == ResponseCode.SUCCESS && r.body() != null) {
                        String max = RemotingJson.decode(r.body(), KVTable.class)
                                .table()
                                .get("commitLogMaxOffset");
                        if (max != null) {
                            masterMaxOffset = Long.parseLong(max);
                        }
                    }
                });
    }

    /** The master's records over its remoting port, while its address is known (see {@link CommonPrefix}). */
    private Optional<CommonPrefix.MasterRecords> masterRecords() {
        Optional<String> master = masterAddress.master();
        RemotingClient remoting = probeClient;
        if (master.isEmpty() || remoting == null) {
            return Optional.empty();
        }
        return Optional.of(offset -> viewOnMaster(remoting, master.get(), offset));
    }

    /**
     * VIEW_MESSAGE_BY_ID: the record's bytes; empty on the answer both RocketMQ and we give for an offset where
     * no record is stored. Any other refusal (busy, not signed, not served) is no answer at all: it must never
     * read as "the master lacks this record", which would cut records the master holds.
     */
    private Optional<byte[]> viewOnMaster(RemotingClient remoting, String master, long offset) throws IOException {
        RemotingCommand request = signer.apply(
                RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID).withExtField("offset", Long.toString(offset)));
        RemotingCommand answer;
        try {
            answer = remoting.invokeSync(master, request, VIEW_TIMEOUT_MILLIS);
        } catch (RemotingException e) {
            throw new IOException("VIEW_MESSAGE_BY_ID " + offset + " at master " + master + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking master " + master, e);
        }
        if (answer.code() == ResponseCode.SUCCESS && answer.body() != null) {
            return Optional.of(answer.body());
        }
        if (answer.code() == ResponseCode.SYSTEM_ERROR
                && answer.remark() != null
                && answer.remark().startsWith(NO_RECORD_REMARK)) {
            return Optional.empty();
        }
        throw new IOException("master " + master + " answered VIEW_MESSAGE_BY_ID " + offset + " with code "
                + answer.code() + ": " + answer.remark());
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (waiters != null) {
            waiters.close();
        }
    }
}
