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

    /**
     * Whether {@code request} may be processed on the connection's I/O thread instead of the processor's
     * executor. Each hand-over to a pool and back costs two context switches, which on a small machine
     * is most of a short request's cost; but an inline processor holds up every connection of that event
     * loop, so answer true only for work that is short and never waits (no disk sync, no remote call, no
     * lock held by slow work). Called on the I/O thread; must itself be cheap.
     */
    default boolean runsInline(RemotingCommand request) {
        return false;
    }

    /** For processors that answer synchronously. */
    static CompletableFuture<RemotingCommand> respond(RemotingCommand response) {
        return CompletableFuture.completedFuture(response);
    }
}
