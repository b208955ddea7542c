package io.rocketkube.namesrv.route;

/** For a slave whose master is registered: where the master is and where its HA port listens; else nulls. */
public record RegisterResult(String masterAddr, String haServerAddr) {
    public static final RegisterResult NONE = new RegisterResult(null, null);
}
