package io.rocketkube.client.remoting;

/** A request that did not get a response: the reason is in the subclass and the message. */
public class RemotingException extends Exception {
    public RemotingException(String message) {
        super(message);
    }

    public RemotingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No response within the request's own timeout. */
    public static final class Timeout extends RemotingException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The connection could not be made, or broke before the response arrived. */
    public static final class ConnectionFailed extends RemotingException {
        public ConnectionFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Too many async or oneway requests already in flight: the caller must slow down. */
    public static final class TooManyInFlight extends RemotingException {
        public TooManyInFlight(String message) {
            super(message);
        }
    }
}
