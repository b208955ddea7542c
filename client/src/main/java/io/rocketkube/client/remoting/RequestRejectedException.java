package io.rocketkube.client.remoting;

/**
 * Thrown by a processor to answer with a specific error code and remark (a missing mandatory header field,
 * an unknown topic) instead of the generic SYSTEM_ERROR. Carries no stack trace: it is an answer, not a bug.
 */
public final class RequestRejectedException extends RuntimeException {
    private final int responseCode;

    public RequestRejectedException(int responseCode, String remark) {
        super(remark, null, false, false);
        this.responseCode = responseCode;
    }

    public int responseCode() {
        return responseCode;
    }
}
