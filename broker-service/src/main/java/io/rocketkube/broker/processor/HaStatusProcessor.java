package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HaRuntimeInfo;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * GET_BROKER_HA_STATUS (§5.11), what 5.x mqadmin haStatus prints: on a master each slave's acknowledged offset, its
 * lag, whether it is in sync and its transfer speed; on a slave its master, its own end and when it last heard and
 * reported. The same lag is in GET_BROKER_RUNTIME_INFO's {@code ha*} keys for 4.x tools and the operator.
 */
public final class HaStatusProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_BROKER_HA_STATUS};

    private final Supplier<HaRuntimeInfo> status;

    public HaStatusProcessor(Supplier<HaRuntimeInfo> status) {
        this.status = status;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return Responses.json(request, status.get());
    }
}
