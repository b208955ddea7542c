package io.rocketkube.namesrv.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.Channel;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingObserver;
import io.rocketkube.namesrv.NameServer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Prometheus meters: live brokers, topics, connections, requests by code, errors by kind. */
@ApplicationScoped
public class NamesrvMetrics implements RemotingObserver {
    private final MeterRegistry registry;
    private final Map<Integer, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Counter protocolErrors;
    private final Map<Integer, Counter> errorResponses = new ConcurrentHashMap<>();

    NamesrvMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.protocolErrors = Counter.builder("rocketkube.namesrv.protocol.errors")
                .description("Connections closed for breaking the protocol")
                .register(registry);
    }

    void bind(NameServer nameServer) {
        Gauge.builder(
                        "rocketkube.namesrv.brokers.live",
                        nameServer,
                        n -> n.routes().liveBrokerCount())
                .description("Broker addresses currently registered")
                .register(registry);
        Gauge.builder("rocketkube.namesrv.topics", nameServer, n -> n.routes().topicCount())
                .description("Topics with route data")
                .register(registry);
        Gauge.builder("rocketkube.namesrv.connections", nameServer, NameServer::connectionCount)
                .description("Open remoting connections")
                .register(registry);
    }

    @Override
    public void requestHandled(int requestCode, int responseCode, long elapsedNanos) {
        requestTimers
                .computeIfAbsent(
                        requestCode,
                        code -> Timer.builder("rocketkube.namesrv.requests")
                                .description("Requests handled, by request code")
                                .tag("code", String.valueOf(code))
                                .register(registry))
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (responseCode != ResponseCode.SUCCESS) {
            errorResponses
                    .computeIfAbsent(
                            responseCode,
                            code -> Counter.builder("rocketkube.namesrv.errors")
                                    .description("Requests answered with an error, by response code")
                                    .tag("response_code", String.valueOf(code))
                                    .register(registry))
                    .increment();
        }
    }

    @Override
    public void protocolError(Channel channel, String reason) {
        protocolErrors.increment();
    }
}
