package io.rocketkube.client.protocol;

import java.util.List;

/** Body of GET_PRODUCER_CONNECTION_LIST. */
public record ProducerConnection(List<Connection> connectionSet) {}
