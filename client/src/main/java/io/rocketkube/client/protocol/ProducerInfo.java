package io.rocketkube.client.protocol;

/** One live producer as GET_ALL_PRODUCER_INFO lists it; {@code language} is the LanguageCode name. */
public record ProducerInfo(String clientId, String remoteIP, String language, int version, long lastUpdateTimestamp) {}
