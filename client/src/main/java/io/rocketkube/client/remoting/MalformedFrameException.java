package io.rocketkube.client.remoting;

/**
 * A frame that cannot be decoded. The connection it arrived on can no longer be trusted to be in sync, so
 * the channel handler closes it and logs this message as the reason.
 */
public final class MalformedFrameException extends RuntimeException {
    public MalformedFrameException(String reason) {
        super(reason);
    }

    public MalformedFrameException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
