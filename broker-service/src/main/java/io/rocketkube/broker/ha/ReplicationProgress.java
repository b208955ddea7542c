package io.rocketkube.broker.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The master's view of its slaves: each attached slave's last acknowledged CommitLog offset (its last report),
 * and the highest offset any slave ever acknowledged (RocketMQ's {@code push2SlaveMaxOffset}), which SYNC_MASTER
 * sends wait for and the lag is measured against. In memory: a restarted master starts from 0 until the slaves
 * report again (they do within a heartbeat interval).
 *
 * <p>Thread-safe. Ack listeners run on the reporting connection's event loop and must not block.
 */
public final class ReplicationProgress {
    /** One attached slave as 5.x mqadmin haStatus shows it. */
    public record Link(String slave, long ackOffset, long transferFrom, long bytesPerSecond) {}

    private final Map<String, Long> acks = new ConcurrentHashMap<>();
    private final Map<String, Long> transferFrom = new ConcurrentHashMap<>();
    private final Map<String, TransferRate> rates = new ConcurrentHashMap<>();
    private final AtomicLong maxAcked = new AtomicLong();
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier millis;

    public ReplicationProgress(LongSupplier millis) {
        this.millis = millis;
    }

    /** Told the new highest acknowledged offset each time it rises. */
    public void onAck(LongConsumer listener) {
        listeners.add(listener);
    }

    void attached(String slave, long offset) {
        transferFrom.put(slave, offset);
        rates.put(slave, new TransferRate());
        acks.put(slave, offset);
    }

    void detached(String slave) {
        acks.remove(slave);
        transferFrom.remove(slave);
        rates.remove(slave);
    }

    void acked(String slave, long offset) {
        acks.computeIfPresent(slave, (k, v) -> offset);
        TransferRate rate = rates.get(slave);
        if (rate != null) {
            rate.observe(offset, millis.getAsLong());
        }
        long now = maxAcked.accumulateAndGet(offset, Math::max);
        if (now == offset) {
            for (LongConsumer l : listeners) {
                l.accept(now);
            }
        }
    }

    /** Highest offset a slave has acknowledged since this master started. */
    public long maxAcked() {
        return maxAcked.get();
    }

    public int slaveCount() {
        return acks.size();
    }

    /** Attached slaves ({@code ip:port} of their HA connection) and their acknowledged offsets. */
    public Map<String, Long> acks() {
        return new TreeMap<>(acks);
    }

    /** Every attached slave: its acknowledged offset, where its transfer started, and its recent speed. */
    public List<Link> links() {
        long now = millis.getAsLong();
        List<Link> links = new ArrayList<>();
        new TreeMap<>(acks).forEach((slave, ack) -> {
            TransferRate rate = rates.get(slave);
            links.add(new Link(
                    slave, ack, transferFrom.getOrDefault(slave, ack), rate == null ? 0 : rate.bytesPerSecond(now)));
        });
        return links;
    }

    /**
     * RocketMQ's {@code isSlaveOK}: a slave is attached and the best one is less than {@code maxGap} bytes behind
     * {@code masterPutWhere}.
     */
    public boolean slaveOk(long masterPutWhere, long maxGap) {
        return !acks.isEmpty() && masterPutWhere - maxAcked.get() < maxGap;
    }
}
