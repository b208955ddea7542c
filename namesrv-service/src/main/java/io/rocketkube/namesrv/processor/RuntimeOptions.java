package io.rocketkube.namesrv.processor;

import java.time.Duration;

/**
 * The settings an admin may change on a running NameServer (UPDATE_NAMESRV_CONFIG). Everything else (address,
 * data directory) is fixed at start: changing where we write at runtime is how the reference got a CVE.
 */
public final class RuntimeOptions {
    private volatile boolean orderMessageEnable;
    private volatile long brokerExpiryMillis;

    public RuntimeOptions(boolean orderMessageEnable, Duration brokerExpiry) {
        this.orderMessageEnable = orderMessageEnable;
        this.brokerExpiryMillis = brokerExpiry.toMillis();
    }

    public boolean orderMessageEnable() {
        return orderMessageEnable;
    }

    public long brokerExpiryMillis() {
        return brokerExpiryMillis;
    }

    void setOrderMessageEnable(boolean value) {
        this.orderMessageEnable = value;
    }

    void setBrokerExpiryMillis(long value) {
        this.brokerExpiryMillis = value;
    }
}
