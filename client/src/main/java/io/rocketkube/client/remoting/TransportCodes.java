package io.rocketkube.client.remoting;

/**
 * The response codes the transport itself answers with, whatever the request was (docs/protocol.md §2.1).
 * They live here rather than in {@code protocol.ResponseCode} so that the transport does not depend on the
 * protocol layer built on top of it; {@code ResponseCode} re-exports them under the same names.
 */
public final class TransportCodes {
    public static final int SUCCESS = 0;
    public static final int SYSTEM_ERROR = 1;
    public static final int SYSTEM_BUSY = 2;
    public static final int REQUEST_CODE_NOT_SUPPORTED = 3;

    private TransportCodes() {}
}
