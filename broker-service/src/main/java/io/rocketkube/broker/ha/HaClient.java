package io.rocketkube.broker.ha;

import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.commitlog.InvalidReplicatedDataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slave side of the HA channel ({@link HaFrame}), on one thread of its own with a blocking socket: connect
 * to the master's HA address (configured, else learned from the NameServers' register answer), report the own
 * CommitLog end, append every frame with {@link MessageStore#appendReplicated} (which checks each record before
 * anything is written or dispatched to the own ConsumeQueues and index), report again after each frame and at
 * least every heartbeat interval. A drop, a restart of either side, or a master silent for the housekeeping
 * interval is followed by a reconnect with a bounded backoff (100 ms doubling to 5 s), resuming from the own end.
 * State changes are logged once, not every attempt.
 *
 * <p><b>Divergence is never served.</b> When this slave holds bytes beyond its master's end (the master came back
 * from an older copy of its data), our master answers the slave's report with an empty frame carrying its own
 * end and closes. The slave then cuts its CommitLog, ConsumeQueues and index back to that end
 * ({@link MessageStore#truncateReplicated}) before anything else, so those bytes are never served again, and
 * reconnects. If the cut is impossible (no record of this slave starts there: the two logs differ before it
 * too), or the master sends a record that fails the check, replication stops for good with the reason in
 * {@link #status()}, and the slave is not ready until an operator rebuilds it. Offsets alone cannot show a
 * master that came back from an older copy and took new writes before the slave reconnected (the slave's end
 * may then fall on a record boundary of the master's log, below or beyond its end): so before each connection's
 * first report the slave compares its last record with the master's at the same offset and, if they differ,
 * cuts back to the first record the two do not share ({@link CommonPrefix}). A frame that starts anywhere but
 * the own end (except for the empty starting slave, which starts where the master's stream does) closes the
 * connection. An Apache master does not say where it ends; against it, a diverged slave waits (and stays not
 * ready, since its lag cannot shrink) instead of being cut.
 */
public final class HaClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaClient.class);
    private static final int SO_TIMEOUT_MILLIS = 100;
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    /** How long a starting slave waits to learn its master's remoting address, to compare records with it. */
    private static final long MASTER_ADDRESS_WAIT_MILLIS = 10_000;
    /** Far above any master's batch (32 KiB in RocketMQ); a larger size is garbage. */
    private static final int MAX_BODY = 16 * 1024 * 1024;
    /**
     * Socket read buffer: several frames of a 32 KiB batch, so a frame's header and body (and often the frames
     * behind it) come in with one read instead of one read each.
     */
    private static final int READ_BUFFER = 128 * 1024;

    /** What the client is doing. */
    public enum State {
        NO_MASTER,
        CONNECTING,
        REPLICATING,
        STOPPED
    }

    /** A snapshot for runtime info, metrics and readiness. */
    public record Status(
            State state,
            String master,
            long lastContactMillis,
            long masterOffsetSeen,
            String reason,
            long lastReportMillis,
            long bytesPerSecond) {}

    private final MessageStore store;
    private final Supplier<Optional<String>> haAddress;
    private final Supplier<Optional<CommonPrefix.MasterRecords>> masterRecords;
    private final long segmentSize;
    private final HaSettings settings;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile State state = State.NO_MASTER;
    private volatile String master;
    private volatile String reason = "";
    private volatile long lastContactMillis = -1;
    private volatile long masterOffsetSeen = -1;
    private volatile long lastReportMillis = -1;
    private volatile long startedMillis;
    private final TransferRate rate = new TransferRate();

    /**
     * @param masterRecords reads the master's record at an offset over its remoting port; empty while that
     *     address is not known (then only offsets are compared, as the class comment says)
     * @param segmentSize the CommitLog's segment size, shared by master and slave
     */
    public HaClient(
            MessageStore store,
            Supplier<Optional<String>> haAddress,
            Supplier<Optional<CommonPrefix.MasterRecords>> masterRecords,
            long segmentSize,
            HaSettings settings,
            Clock clock) {
        this.store = store;
        this.haAddress = haAddress;
        this.masterRecords = masterRecords;
        this.segmentSize = segmentSize;
        this.settings = settings;
        this.clock = clock;
        this.thread = DaemonThreads.newThread("ha-client", this::run);
    }

    public void start() {
        startedMillis = clock.millis();
        thread.start();
    }

    public Status status() {
        return new Status(
                state,
                master,
                lastContactMillis,
                masterOffsetSeen,
                reason,
                lastReportMillis,
                rate.bytesPerSecond(clock.millis()));
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (running) {
            Optional<String> address = haAddress.get();
            if (address.isEmpty()) {
                enter(State.NO_MASTER, null, "the master's HA address is not known yet");
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                continue;
            }
            try (Socket s = new Socket()) {
                socket = s;
                if (state != State.CONNECTING || !address.get().equals(master)) {
                    enter(State.CONNECTING, address.get(), "connecting");
                }
                s.connect(parse(address.get()), CONNECT_TIMEOUT_MILLIS);
                s.setSoTimeout(SO_TIMEOUT_MILLIS);
                s.setTcpNoDelay(true);
                if (alignWithMaster()) {
                    backoff = MIN_BACKOFF_MILLIS;
                    replicate(
                            new BufferedInputStream(s.getInputStream(), READ_BUFFER),
                            s.getOutputStream(),
                            address.get());
                }
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                if (state == State.REPLICATING) {
                    enter(State.CONNECTING, address.get(), "connection lost: " + e.getMessage());
                } else {
                    LOG.debug("HA connect to {} failed: {}", address.get(), e.toString());
                }
            } finally {
                socket = null;
            }
            if (state == State.STOPPED) {
                return;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    private void replicate(InputStream in, OutputStream out, String address) throws IOException {
        report(out);
        lastContactMillis = clock.millis();
        enter(State.REPLICATING, address, "replicating from offset " + store.maxPhysicalOffset());
        byte[] header = new byte[HaFrame.HEADER_SIZE];
        // Reused for every frame: the store copies the bytes into its log and keeps no reference to them.
        byte[] body = new byte[0];
        while (running) {
            readFully(in, out, header, header.length);
            ByteBuffer h = ByteBuffer.wrap(header);
            long phy = h.getLong(HaFrame.PHY_OFFSET_OFFSET);
            int size = h.getInt(HaFrame.BODY_SIZE_OFFSET);
            if (phy < 0 || size < 0 || size > MAX_BODY) {
                throw new IOException("garbage frame header: offset " + phy + ", size " + size);
            }
            if (body.length < size) {
                body = new byte[size];
            }
            readFully(in, out, body, size);
            lastContactMillis = clock.millis();
            masterOffsetSeen = Math.max(masterOffsetSeen, phy + size);
            long own = store.maxPhysicalOffset();
            if (size == 0) {
                if (phy < own) {
                    cutBackTo(phy, own);
                    return;
                }
                continue;
            }
            boolean empty = own == 0 && store.minPhysicalOffset() == 0;
            if (phy != own && !empty) {
                throw new IOException("frame at " + phy + " does not continue this slave's log at " + own);
            }
            try {
                rate.observe(store.appendReplicated(phy, ByteBuffer.wrap(body, 0, size)), lastContactMillis);
            } catch (InvalidReplicatedDataException e) {
                stop("the master sent an invalid record: " + e.getMessage());
                return;
            }
            report(out);
        }
    }

    /**
     * Before the first report of a connection: compares this slave's last record with the master's at the same
     * offset and, when they differ, cuts this slave back to the first record it does not share with the master
     * ({@link CommonPrefix}), so that it resumes only from a log the master agrees with. False when replication
     * stopped for good. A master that cannot be asked (an error other than "no such record") fails the attempt;
     * the next one asks again.
     */
    private boolean alignWithMaster() throws IOException {
        Optional<CommonPrefix.MasterRecords> records = masterRecords.get();
        if (records.isEmpty()) {
            // Learned from the first register answer, which comes at once; without it after a while (no NameServer,
            // no configured master address) replication goes on with offsets alone, as before.
            if (clock.millis() - startedMillis < MASTER_ADDRESS_WAIT_MILLIS) {
                throw new IOException("the master's remoting address is not known yet");
            }
            return true;
        }
        long own = store.maxPhysicalOffset();
        try {
            long cut = new CommonPrefix(store, segmentSize, records.get()).firstDifference();
            if (cut < own) {
                LOG.warn(
                        "HA: this slave's log differs from its master's from offset {} on ({} bytes the master does"
                                + " not hold the same); cutting them off",
                        cut,
                        own - cut);
                store.truncateReplicated(cut);
                masterOffsetSeen = cut;
            }
            return true;
        } catch (CommonPrefix.NoCommonPrefixException e) {
            stop(e.getMessage());
            return false;
        } catch (IllegalArgumentException e) {
            stop("differs from its master and cannot cut back: " + e.getMessage());
            return false;
        }
    }

    private void cutBackTo(long masterEnd, long own) {
        LOG.warn(
                "HA: this slave holds {} bytes beyond its master's end {}; cutting them off",
                own - masterEnd,
                masterEnd);
        try {
            store.truncateReplicated(masterEnd);
            masterOffsetSeen = masterEnd;
        } catch (RuntimeException e) {
            stop("diverged from the master at " + masterEnd + " and cannot cut back: " + e.getMessage());
        }
    }

    private void stop(String why) {
        enter(State.STOPPED, master, why);
        LOG.error("HA replication stopped; this slave needs to be rebuilt from its master: {}", why);
    }

    /** Reads exactly {@code n} bytes; while waiting, keeps reporting and watches for a silent master. */
    private void readFully(InputStream in, OutputStream out, byte[] into, int n) throws IOException {
        int got = 0;
        while (got < n) {
            try {
                int r = in.read(into, got, n - got);
                if (r < 0) {
                    throw new IOException("closed by the master");
                }
                got += r;
            } catch (SocketTimeoutException e) {
                if (!running) {
                    throw new IOException("stopping");
                }
                long now = clock.millis();
                if (now - lastContactMillis > settings.housekeepingInterval().toMillis()) {
                    throw new IOException("master silent for " + (now - lastContactMillis) + " ms");
                }
                if (now - lastReportMillis >= settings.heartbeatInterval().toMillis()) {
                    report(out);
                }
            }
        }
    }

    private void report(OutputStream out) throws IOException {
        byte[] b = new byte[HaFrame.REPORT_SIZE];
        ByteBuffer.wrap(b).putLong(store.maxPhysicalOffset());
        out.write(b);
        out.flush();
        lastReportMillis = clock.millis();
    }

    private void enter(State next, String address, String why) {
        if (state != next || (address != null && !address.equals(master))) {
            LOG.info("HA client {} -> {} (master {}): {}", state, next, address, why);
        }
        state = next;
        master = address;
        reason = why;
    }

    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("HA address " + address + " is not host:port");
        }
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** Parks rather than sleeps: {@link #close} unparks, and never interrupts (an interrupt would close the store's files). */
    private void sleep(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (running && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, deadline - System.nanoTime());
        }
    }

    @Override
    public void close() {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        java.util.concurrent.locks.LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
