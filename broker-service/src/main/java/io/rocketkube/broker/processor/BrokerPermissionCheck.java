package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Refuses a request family while the broker permission (mqadmin updateBrokerConfig brokerPermission) lacks
 * the bit it needs: sends and send-backs need write, pulls need read. Answers NO_PERMISSION with the
 * reference's remark; a client that still routes here from a cached route then retries elsewhere.
 * Wraps the family's processor, so the family itself needs no knowledge of the runtime config.
 */
public final class BrokerPermissionCheck implements RequestProcessor {
    private final IntSupplier brokerPermission;
    private final int requiredBit;
    private final String refusal;
    private final RequestProcessor delegate;

    private BrokerPermissionCheck(
            IntSupplier brokerPermission, int requiredBit, String refusal, RequestProcessor delegate) {
        this.brokerPermission = brokerPermission;
        this.requiredBit = requiredBit;
        this.refusal = refusal;
        this.delegate = delegate;
    }

    public static RequestProcessor writes(IntSupplier brokerPermission, String brokerIp, RequestProcessor delegate) {
        return new BrokerPermissionCheck(
                brokerPermission,
                PermName.PERM_WRITE,
                "the broker[" + brokerIp + "] sending message is forbidden",
                delegate);
    }

    public static RequestProcessor reads(IntSupplier brokerPermission, String brokerIp, RequestProcessor delegate) {
        return new BrokerPermissionCheck(
                brokerPermission,
                PermName.PERM_READ,
                "the broker[" + brokerIp + "] pulling message is forbidden",
                delegate);
    }

    @Override
    public boolean runsInline(RemotingCommand request) {
        return delegate.runsInline(request);
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws Exception {
        if ((brokerPermission.getAsInt() & requiredBit) == 0) {
            return Responses.error(request, ResponseCode.NO_PERMISSION, refusal);
        }
        return delegate.process(channel, request);
    }
}
