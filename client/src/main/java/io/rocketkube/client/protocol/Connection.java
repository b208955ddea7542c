package io.rocketkube.client.protocol;

/** One client connection as admin bodies list it; {@code language} is the LanguageCode name. */
public record Connection(String clientId, String clientAddr, String language, int version) {}
