package io.rocketkube.namesrv.route;

/** A broker address dropped for silence, with the connection the caller should now close. */
public record ExpiredBroker(String brokerAddr, Object connection, long silentMillis) {}
