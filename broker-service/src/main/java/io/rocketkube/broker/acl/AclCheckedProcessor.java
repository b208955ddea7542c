package io.rocketkube.broker.acl;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor behind the ACL: a request the {@link AclService} refuses is answered SYSTEM_ERROR with remark
 * {@code AclException: <reason>} (RocketMQ 4.9 answers its AclException as SYSTEM_ERROR too, so clients treat it
 * alike) and never reaches the processor; the others go on where they would have run, on the I/O thread for an
 * inline send.
 */
public final class AclCheckedProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(AclCheckedProcessor.class);

    private final RequestProcessor inner;
    private final AclService acl;
    private final Counter refused;

    public AclCheckedProcessor(RequestProcessor inner, AclService acl, Counter refused) {
        this.inner = inner;
        this.acl = acl;
        this.refused = refused;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws Exception {
        Optional<String> refusal = acl.refusal(request, clientAddress(channel));
        if (refusal.isPresent()) {
            refused.increment();
            LOG.debug(
                    "request code {} from {} refused by the ACL: {}",
                    request.code(),
                    channel == null ? null : channel.remoteAddress(),
                    refusal.get());
            return CompletableFuture.completedFuture(
                    request.response(ResponseCode.SYSTEM_ERROR, "AclException: " + refusal.get()));
        }
        return inner.process(channel, request);
    }

    @Override
    public boolean runsInline(RemotingCommand request) {
        return inner.runsInline(request);
    }

    private static InetAddress clientAddress(Channel channel) {
        return channel != null && channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
