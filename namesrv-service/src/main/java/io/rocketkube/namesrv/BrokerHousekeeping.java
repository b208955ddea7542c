package io.rocketkube.namesrv;

import io.netty.channel.Channel;
import io.rocketkube.client.remoting.RemotingObserver;
import io.rocketkube.namesrv.processor.RuntimeOptions;
import io.rocketkube.namesrv.route.ExpiredBroker;
import io.rocketkube.namesrv.route.RouteTable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the route table honest: a broker whose connection closes is dropped at once, and one that has been
 * silent past the expiry is dropped by {@link #scan()} and its connection closed. Also forwards connection
 * events to the metrics observer.
 */
final class BrokerHousekeeping implements RemotingObserver {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerHousekeeping.class);

    private final RouteTable routes;
    private final RuntimeOptions options;
    private final RemotingObserver downstream;

    BrokerHousekeeping(RouteTable routes, RuntimeOptions options, RemotingObserver downstream) {
        this.routes = routes;
        this.options = options;
        this.downstream = downstream;
    }

    /** One expiry pass; returns the brokers it dropped. */
    List<ExpiredBroker> scan() {
        List<ExpiredBroker> expired = routes.expire(options.brokerExpiryMillis());
        for (ExpiredBroker broker : expired) {
            LOG.warn(
                    "dropping broker {}: silent for {} ms (expiry {} ms)",
                    broker.brokerAddr(),
                    broker.silentMillis(),
                    options.brokerExpiryMillis());
            if (broker.connection() instanceof Channel channel) {
                channel.close();
            }
        }
        return expired;
    }

    @Override
    public void channelClosed(Channel channel) {
        List<String> dropped = routes.connectionClosed(channel);
        if (!dropped.isEmpty()) {
            LOG.info("dropping brokers {}: their connection {} closed", dropped, channel.remoteAddress());
        }
        downstream.channelClosed(channel);
    }

    @Override
    public void channelActive(Channel channel) {
        downstream.channelActive(channel);
    }

    @Override
    public void channelIdle(Channel channel) {
        downstream.channelIdle(channel);
    }

    @Override
    public void requestHandled(int requestCode, int responseCode, long elapsedNanos) {
        downstream.requestHandled(requestCode, responseCode, elapsedNanos);
    }

    @Override
    public void protocolError(Channel channel, String reason) {
        downstream.protocolError(channel, reason);
    }
}
