package io.rocketkube.broker.settings;

/** Replication role. A SLAVE refuses sends; only the master (broker id 0) takes writes. */
public enum BrokerRole {
    ASYNC_MASTER,
    SYNC_MASTER,
    SLAVE
}
