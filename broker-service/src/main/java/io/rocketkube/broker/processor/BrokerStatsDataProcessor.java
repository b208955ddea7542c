package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.stats.KeyedStats;
import io.rocketkube.client.protocol.BrokerStatsData;
import io.rocketkube.client.protocol.BrokerStatsItem;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;

/**
 * VIEW_BROKER_STATS_DATA (§5.11): one key's counts over the last minute, hour and day, which mqadmin statsAll
 * prints as a topic's and a group's TPS and 24-hour totals. The statistics kept are listed in
 * {@link BrokerStats#view}; any other name or key is answered as the reference answers an unknown one.
 */
public final class BrokerStatsDataProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.VIEW_BROKER_STATS_DATA};

    private final BrokerStats stats;

    public BrokerStatsDataProcessor(BrokerStats stats) {
        this.stats = stats;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String name = h.string("statsName");
        String key = h.string("statsKey");
        return stats.view(name, key)
                .map(s -> Responses.json(request, new BrokerStatsData(item(s.minute()), item(s.hour()), item(s.day()))))
                .orElseGet(() -> Responses.error(
                        request, ResponseCode.SYSTEM_ERROR, String.format("The stats <%s> <%s> not exist", name, key)));
    }

    private static BrokerStatsItem item(KeyedStats.Window w) {
        return new BrokerStatsItem(w.sum(), w.tps(), w.avgpt());
    }
}
