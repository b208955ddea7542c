package io.rocketkube.namesrv.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * GET_NAMESRV_CONFIG and UPDATE_NAMESRV_CONFIG, as properties text. An update naming any key outside the safe
 * set, or any invalid value, is refused whole: nothing of it is applied.
 */
public final class NamesrvConfigProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_NAMESRV_CONFIG, RequestCode.UPDATE_NAMESRV_CONFIG};
    static final String ORDER_MESSAGE_ENABLE = "orderMessageEnable";
    static final String BROKER_EXPIRY_MILLIS = "brokerExpiryMillis";
    private static final Set<String> UPDATABLE = Set.of(ORDER_MESSAGE_ENABLE, BROKER_EXPIRY_MILLIS);

    private final String listenHost;
    private final int listenPort;
    private final Path dataDir;
    private final Duration scanInterval;
    private final RuntimeOptions options;

    /** The first four are fixed at start and only reported; {@code options} is what an update changes. */
    public NamesrvConfigProcessor(
            String listenHost, int listenPort, Path dataDir, Duration scanInterval, RuntimeOptions options) {
        this.listenHost = listenHost;
        this.listenPort = listenPort;
        this.dataDir = dataDir;
        this.scanInterval = scanInterval;
        this.options = options;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws IOException {
        if (request.code() == RequestCode.GET_NAMESRV_CONFIG) {
            return RequestProcessor.respond(
                    request.response(ResponseCode.SUCCESS).withBody(currentConfig()));
        }
        Properties update = new Properties();
        if (request.body() != null) {
            update.load(new StringReader(new String(request.body(), StandardCharsets.UTF_8)));
        }
        Set<String> refused = new TreeSet<>(update.stringPropertyNames());
        refused.removeAll(UPDATABLE);
        if (!refused.isEmpty()) {
            throw new RequestRejectedException(
                    ResponseCode.NO_PERMISSION,
                    "cannot update " + refused + "; only " + new TreeSet<>(UPDATABLE) + " may change at runtime");
        }
        Map<String, String> changes = new TreeMap<>();
        String order = update.getProperty(ORDER_MESSAGE_ENABLE);
        if (order != null) {
            if (!order.trim().equals("true") && !order.trim().equals("false")) {
                throw new RequestRejectedException(
                        ResponseCode.INVALID_PARAMETER, ORDER_MESSAGE_ENABLE + " must be true or false, got " + order);
            }
            changes.put(ORDER_MESSAGE_ENABLE, order.trim());
        }
        String expiry = update.getProperty(BROKER_EXPIRY_MILLIS);
        if (expiry != null) {
            changes.put(BROKER_EXPIRY_MILLIS, String.valueOf(parsePositive(expiry)));
        }
        if (!changes.isEmpty()) {
            options.update(changes);
        }
        return RequestProcessor.respond(request.response(ResponseCode.SUCCESS));
    }

    private static long parsePositive(String value) {
        try {
            long millis = Long.parseLong(value.trim());
            if (millis > 0) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RequestRejectedException(
                ResponseCode.INVALID_PARAMETER,
                BROKER_EXPIRY_MILLIS + " must be a positive number of milliseconds, got " + value);
    }

    private String currentConfig() throws IOException {
        Properties current = new Properties();
        current.setProperty("listenHost", listenHost);
        current.setProperty("listenPort", String.valueOf(listenPort));
        current.setProperty("dataDir", dataDir.toString());
        current.setProperty("scanIntervalMillis", String.valueOf(scanInterval.toMillis()));
        current.setProperty(BROKER_EXPIRY_MILLIS, String.valueOf(options.brokerExpiryMillis()));
        current.setProperty(ORDER_MESSAGE_ENABLE, String.valueOf(options.orderMessageEnable()));
        StringWriter text = new StringWriter();
        current.store(text, null);
        return text.toString();
    }
}
