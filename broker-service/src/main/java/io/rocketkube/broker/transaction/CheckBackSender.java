package io.rocketkube.broker.transaction;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.message.StoredMessageEncoder;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends CHECK_TRANSACTION_STATE (39), oneway, to one live producer channel of the half's group (docs/protocol.md
 * §5.9 step 3, §6). The header names the check-back copy just written (its queue offset, CommitLog offset and
 * offset msgId), so the producer's answer settles against it; the body is that copy encoded as a stored record
 * with its real topic and queue, which is what the 4.9/5.x client decodes and hands to
 * {@code checkLocalTransaction}.
 *
 * <p>A channel that is not writable is skipped: the check is a hint repeated every interval, never queued behind
 * a slow producer. Thread-safe.
 */
final class CheckBackSender {
    private static final Logger LOG = LoggerFactory.getLogger(CheckBackSender.class);

    private final ProducerManager producers;

    CheckBackSender(ProducerManager producers) {
        this.producers = producers;
    }

    /** Sends the check for {@code copy} (as stored); false when no producer of its group can take it. */
    boolean send(MessageRecord copy, HalfRecords.RealDestination real) {
        String group = copy.property(MessageProperties.PRODUCER_GROUP);
        Channel channel = group == null ? null : pick(producers.channels(group));
        if (channel == null) {
            return false;
        }
        String uniqKey = copy.property(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        String offsetMsgId = OffsetMsgId.encode(copy.storeHost(), copy.physicalOffset());
        RemotingCommand check = RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE)
                .withExtField("tranStateTableOffset", copy.queueOffset())
                .withExtField("commitLogOffset", copy.physicalOffset())
                .withExtField("msgId", uniqKey == null ? offsetMsgId : uniqKey)
                .withExtField("transactionId", uniqKey == null ? offsetMsgId : uniqKey)
                .withExtField("offsetMsgId", offsetMsgId)
                .withBody(body(copy, real))
                .markOneway();
        channel.writeAndFlush(check).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("check-back of half {} to {} failed", copy.queueOffset(), channel.remoteAddress(), f.cause());
            }
        });
        return true;
    }

    private static Channel pick(List<Channel> channels) {
        List<Channel> usable =
                channels.stream().filter(c -> c.isActive() && c.isWritable()).toList();
        return usable.isEmpty() ? null : usable.get(ThreadLocalRandom.current().nextInt(usable.size()));
    }

    private static byte[] body(MessageRecord copy, HalfRecords.RealDestination real) {
        MessageRecord shown = new MessageRecord(
                real.topic(),
                real.queueId(),
                copy.flag(),
                copy.queueOffset(),
                copy.physicalOffset(),
                copy.sysFlag(),
                copy.bornTimestamp(),
                copy.bornHost(),
                copy.storeTimestamp(),
                copy.storeHost(),
                copy.reconsumeTimes(),
                copy.preparedTransactionOffset(),
                copy.body(),
                copy.properties(),
                0);
        StoredMessageEncoder.Prepared prepared = StoredMessageEncoder.prepare(shown);
        ByteBuffer buffer = ByteBuffer.allocate(prepared.size());
        StoredMessageEncoder.encode(buffer, prepared);
        return buffer.array();
    }
}
