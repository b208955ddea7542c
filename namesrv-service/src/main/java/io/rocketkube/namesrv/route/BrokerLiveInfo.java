package io.rocketkube.namesrv.route;

import io.rocketkube.client.protocol.DataVersion;

/**
 * When a broker address last registered, with which topic-table version, over which connection.
 *
 * @param connection the channel the registration came on (opaque here), so a closed channel finds its broker
 */
public record BrokerLiveInfo(long lastUpdateMillis, DataVersion dataVersion, Object connection, String haServerAddr) {}
