package io.rocketkube.broker.registration;

import java.util.Optional;

/**
 * Where a slave finds its master: the remoting address ({@code masterAddr}) and the HA address
 * ({@code haServerAddr}) that the NameServers answer to REGISTER_BROKER (docs/protocol.md §5.1),
 * unless configuration pins them. The answer is the only source that follows a master's pod to a new
 * address, so a configured value is meant for tests and for brokers run without NameServers.
 *
 * <p>Thread-safe: written by the registrar's RPC callbacks, read by the replication client and the
 * metadata synchronizer. A master's answer carries no master, and an empty answer never erases a known
 * address: a NameServer that has not yet seen the master answers empty, and a slave that forgot its
 * master would stop replicating for no reason.
 */
public final class MasterAddress {
    private final Optional<String> configuredMaster;
    private final Optional<String> configuredHa;
    private volatile String learnedMaster;
    private volatile String learnedHa;
    private volatile boolean lastAnswerNamedMaster;

    public MasterAddress(Optional<String> configuredMaster, Optional<String> configuredHa) {
        this.configuredMaster = configuredMaster.filter(s -> !s.isBlank());
        this.configuredHa = configuredHa.filter(s -> !s.isBlank());
    }

    public static MasterAddress unconfigured() {
        return new MasterAddress(Optional.empty(), Optional.empty());
    }

    /** Records a REGISTER_BROKER answer; blank values are ignored. */
    public void learned(String masterAddr, String haServerAddr) {
        lastAnswerNamedMaster = masterAddr != null && !masterAddr.isBlank();
        if (masterAddr != null && !masterAddr.isBlank()) {
            learnedMaster = masterAddr;
        }
        if (haServerAddr != null && !haServerAddr.isBlank()) {
            learnedHa = haServerAddr;
        }
    }

    /** The master's remoting address ("host:port"), configured first, else last learned. */
    public Optional<String> master() {
        return configuredMaster.isPresent() ? configuredMaster : Optional.ofNullable(learnedMaster);
    }

    /**
     * Whether the master is registered now, as far as the last register answer tells (a NameServer names the
     * master only while it is registered); false before any answer. Unlike {@link #master()} this forgets: a
     * slave stops sending consumers to a master that is gone.
     */
    public boolean masterOnline() {
        return lastAnswerNamedMaster;
    }

    /** The master's HA address ("host:port"), configured first, else last learned. */
    public Optional<String> haServer() {
        return configuredHa.isPresent() ? configuredHa : Optional.ofNullable(learnedHa);
    }
}
