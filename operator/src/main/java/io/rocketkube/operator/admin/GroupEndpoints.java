package io.rocketkube.operator.admin;

import java.util.List;

/**
 * Remoting addresses of one broker group's pods.
 *
 * @param brokerName the group's broker name
 * @param masterAddress {@code host:port} of broker id 0, or null when the master has no address
 * @param slaveAddresses {@code host:port} of each slave that has an address
 */
public record GroupEndpoints(String brokerName, String masterAddress, List<String> slaveAddresses) {}
