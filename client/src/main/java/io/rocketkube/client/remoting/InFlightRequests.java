package io.rocketkube.client.remoting;

import io.netty.channel.Channel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests this endpoint sent and is waiting to hear back about, by opaque. Each request carries its own
 * timer on a shared wheel, so timeouts cost nothing while requests succeed and nothing scans the table.
 */
final class InFlightRequests {
    private record Pending(
            CompletableFuture<RemotingCommand> future, Channel channel, Timeout timeout, Runnable onDone) {}

    private final Map<Integer, Pending> byOpaque = new ConcurrentHashMap<>();
    private final HashedWheelTimer timer;

    InFlightRequests(HashedWheelTimer timer) {
        this.timer = timer;
    }

    /** Registers a request; {@code onDone} runs exactly once, however the request ends. */
    CompletableFuture<RemotingCommand> add(int opaque, Channel channel, long timeoutMillis, Runnable onDone) {
        CompletableFuture<RemotingCommand> future = new CompletableFuture<>();
        Timeout timeout = timer.newTimeout(
                t -> fail(
                        opaque,
                        new RemotingException.Timeout("no response from " + channel.remoteAddress() + " within "
                                + timeoutMillis + " ms (opaque " + opaque + ")")),
                timeoutMillis,
                TimeUnit.MILLISECONDS);
        Pending previous = byOpaque.put(opaque, new Pending(future, channel, timeout, onDone));
        if (previous != null) {
            // Opaques wrap after 2^32 requests; an entry that old has long timed out in practice.
            finish(previous).completeExceptionally(new RemotingException("opaque " + opaque + " reused"));
        }
        return future;
    }

    /** Returns false for a response nobody waits for (it timed out already, or was never ours). */
    boolean complete(RemotingCommand response) {
        Pending pending = byOpaque.remove(response.opaque());
        if (pending == null) {
            return false;
        }
        finish(pending).complete(response);
        return true;
    }

    void fail(int opaque, Throwable cause) {
        Pending pending = byOpaque.remove(opaque);
        if (pending != null) {
            finish(pending).completeExceptionally(cause);
        }
    }

    /** A closed channel answers nothing more: fail its requests now rather than at their timeouts. */
    void failAll(Channel channel, Throwable cause) {
        byOpaque.forEach((opaque, pending) -> {
            if (pending.channel() == channel) {
                fail(opaque, cause);
            }
        });
    }

    int size() {
        return byOpaque.size();
    }

    private static CompletableFuture<RemotingCommand> finish(Pending pending) {
        pending.timeout().cancel();
        pending.onDone().run();
        return pending.future();
    }
}
