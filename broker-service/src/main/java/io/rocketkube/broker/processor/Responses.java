package io.rocketkube.broker.processor;

import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.util.concurrent.CompletableFuture;

/** Small helpers every processor uses to answer. */
final class Responses {
    private Responses() {
    }

    static CompletableFuture<RemotingCommand> ok(RemotingCommand request) {
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS));
    }

    static CompletableFuture<RemotingCommand> json(RemotingCommand request, Object body) {
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS).withBody(RemotingJson.encode(body)));
    }

    static CompletableFuture<RemotingCommand> error(RemotingCommand request, int code, String remark) {
        return CompletableFuture.completedFuture(request.response(code, remark));
    }

    static RequestRejectedException reject(int code, String remark) {
        return new RequestRejectedException(code, remark);
    }
}
