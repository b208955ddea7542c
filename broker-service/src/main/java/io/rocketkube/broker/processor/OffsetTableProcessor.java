package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * GET_ALL_CONSUMER_OFFSET (§5.11): every committed offset, for slave sync and for the operator's drain,
 * which sums the lag of every group before it deletes a broker group.
 *
 * <p>Body, as the reference's ConsumerOffsetSerializeWrapper: {@code {"offsetTable":{"T@CG":{"0":5}}}}.
 * Queue ids are written as quoted keys (standard JSON); fastjson reads them back as numbers (§3.1).
 */
public final class OffsetTableProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_ALL_CONSUMER_OFFSET};

    private final ConsumerOffsetManager offsets;

    public OffsetTableProcessor(ConsumerOffsetManager offsets) {
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return Responses.json(request, new OffsetTable(offsets.snapshot()));
    }

    /** The wire shape; one property, named as the reference names it. */
    record OffsetTable(Map<String, Map<Integer, Long>> offsetTable) {}
}
