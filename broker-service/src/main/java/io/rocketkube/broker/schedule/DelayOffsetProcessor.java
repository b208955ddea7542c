package io.rocketkube.broker.schedule;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * GET_ALL_DELAY_OFFSET (45): every delay level's delivery position, as the reference's
 * {@code DelayOffsetSerializeWrapper}: {@code {"offsetTable":{"1":0,"2":5}}}. Levels are quoted keys
 * (standard JSON); fastjson reads them back as Integer keys (docs/protocol.md §3.1), which is what
 * mqadmin and an Apache slave parse.
 */
public final class DelayOffsetProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_ALL_DELAY_OFFSET};

    private final DelayOffsetTable table;

    public DelayOffsetProcessor(DelayOffsetTable table) {
        this.table = table;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return RequestProcessor.respond(
                request.response(ResponseCode.SUCCESS).withBody(RemotingJson.encode(new Wrapper(table.snapshot()))));
    }

    /** The wire shape; one property, named as the reference names it. */
    record Wrapper(Map<Integer, Long> offsetTable) {}
}
