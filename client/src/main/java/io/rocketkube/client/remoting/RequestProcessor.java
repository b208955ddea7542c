package io.rocketkube.client.remoting;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Handles one family of request codes. The returned future completes with the response, or with null when
 * there is nothing to answer; it may complete much later (a long-polled pull, a send waiting for its flush).
 * Whatever the processor throws, or the future fails with, is answered with SYSTEM_ERROR carrying the
 * request's opaque, so no caller is ever left to its timeout.
 */
@FunctionalInterface
public interface RequestProcessor {
    CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws Exception;

    /** For processors that answer synchronously. */
    static CompletableFuture<RemotingCommand> respond(RemotingCommand response) {
        return CompletableFuture.completedFuture(response);
    }
}
