package io.rocketkube.broker.slave;

import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import java.util.function.BooleanSupplier;

/**
 * Which broker of the group a consumer should pull a queue from next: the {@code suggestWhichBrokerId} of
 * every PULL_MESSAGE answer (the official client pulls that queue from that broker id while it is in the
 * route, else from any broker of the group), by the reference's rules:
 * <ul>
 *   <li>without {@code slaveReadEnable} (the default) everyone is sent to the master (0);</li>
 *   <li>with it, a consumer whose pull is "slow" (its next message is on disk: more than
 *       {@code accessMessageInMemoryMaxRatio} % of physical memory was written after it) goes to its group's
 *       {@code whichBrokerWhenConsumeSlowly} (1), any other to the group's {@code brokerId} (0);</li>
 *   <li>a slave whose master is connected sends a consumer that is not slow back to the master, and, when it
 *       found nothing to return, answers PULL_RETRY_IMMEDIATELY, so the consumer asks the master at once (the
 *       slave may lag the master; RocketMQ 5's rule). A slave whose master is gone keeps its consumers: this is
 *       how consumption goes on while the master is down.</li>
 * </ul>
 * One exception to RocketMQ 5: a pull that may be held and found the queue's end is held on the slave as on a
 * master, and answered with the master's id when something arrives (as RocketMQ 4.9's slave does). A consumer
 * whose route was refreshed while the master was down does not know the master's address yet; the official
 * client then pulls again from the slave, and an immediate answer at the end made it loop slave to slave,
 * hundreds of pulls a second per queue, until its next route refresh (up to 30 s).
 *
 * RocketMQ 4.9's slave without {@code slaveReadEnable} answers every pull PULL_RETRY_IMMEDIATELY, even with
 * its master down, so its consumers stop until the master returns; we take 5.x's rule instead.
 *
 * <p>Immutable and thread-safe.
 */
public final class PullRedirect {
    /** The answer's suggested broker id, and whether a pull that found nothing is to be retried elsewhere at once. */
    public record Advice(long suggestWhichBrokerId, boolean retryElsewhereIfNotFound) {}

    private static final long MASTER_ID = 0;

    private final long brokerId;
    private final BooleanSupplier slaveReadEnable;
    private final BooleanSupplier masterOnline;

    /**
     * @param brokerId        this broker's id (0: master)
     * @param slaveReadEnable whether slow consumers go to a slave now (mqadmin may change it)
     * @param masterOnline    whether this slave's master is registered now (ignored on a master)
     */
    public PullRedirect(long brokerId, BooleanSupplier slaveReadEnable, BooleanSupplier masterOnline) {
        this.brokerId = brokerId;
        this.slaveReadEnable = slaveReadEnable;
        this.masterOnline = masterOnline;
    }

    /** A master without slave reads: always 0, what the broker answered before slaves existed. */
    public static PullRedirect masterOnly() {
        return new PullRedirect(MASTER_ID, () -> false, () -> false);
    }

    /** @param slow whether the answer's last message is on disk (RocketMQ's {@code suggestPullingFromSlave}) */
    public Advice advise(SubscriptionGroupConfig group, boolean slow) {
        long suggest = MASTER_ID;
        if (slaveReadEnable.getAsBoolean()) {
            suggest = slow ? group.whichBrokerWhenConsumeSlowly() : group.brokerId();
        }
        if (brokerId != MASTER_ID && !slow && masterOnline.getAsBoolean()) {
            return new Advice(MASTER_ID, true);
        }
        return new Advice(suggest, false);
    }
}
