package io.rocketkube.broker.client;

import io.netty.channel.Channel;
import io.rocketkube.client.remoting.RemotingCommand;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a request on a client's connection and completes with the client's answer, or fails on timeout (the
 * remoting server's invokeAsync). A seam for the broker's calls to its clients.
 */
@FunctionalInterface
public interface ClientCaller {
    CompletableFuture<RemotingCommand> call(Channel channel, RemotingCommand request, long timeoutMillis);
}
