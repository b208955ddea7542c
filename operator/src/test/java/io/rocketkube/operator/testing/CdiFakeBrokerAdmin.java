package io.rocketkube.operator.testing;

import io.quarkus.test.Mock;
import jakarta.inject.Singleton;

/** In @QuarkusTest runs, replaces the remoting admin: there are no brokers to call. */
@Mock
@Singleton
public class CdiFakeBrokerAdmin extends FakeBrokerAdmin {}
