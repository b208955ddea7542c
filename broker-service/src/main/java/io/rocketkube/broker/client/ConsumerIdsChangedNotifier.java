package io.rocketkube.broker.client;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends NOTIFY_CONSUMER_IDS_CHANGED (oneway, §6) to every member of a group that changed. The notice is a
 * hint (clients also rebalance every 20 s), so a channel that is not writable is skipped rather than
 * queued behind.
 */
public final class ConsumerIdsChangedNotifier implements ConsumerManager.MembershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerIdsChangedNotifier.class);

    @Override
    public void membershipChanged(String group, List<ClientChannel> members) {
        for (ClientChannel member : members) {
            Channel channel = member.channel();
            if (!channel.isActive() || !channel.isWritable()) {
                continue;
            }
            RemotingCommand notice = RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)
                    .withExtField("consumerGroup", group)
                    .markOneway();
            channel.writeAndFlush(notice).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.debug("cannot notify {} of group {} change", member.clientId(), group, f.cause());
                }
            });
        }
    }
}
