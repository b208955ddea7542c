package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under SYNC_FLUSH a send-back is a promise to the consumer that the retry is safe, so its answer must wait
 * for the flush as a send's does. The store is the real one behind a seam that, once armed, holds back the
 * completion of every put that asked to wait for the flush (what a slow disk looks like to the broker).
 */
@Timeout(60)
class SendBackDurabilityTest {
    static final String TOPIC = "T_SENDBACK";

    @TempDir
    Path dir;

    Cluster cluster;
    RemotingClient client;
    volatile boolean holdFlushes;
    final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();

    record Held(
            MessageRecordRequest request, CompletableFuture<PutResult> stored, CompletableFuture<PutResult> answer) {}

    @BeforeEach
    void start() throws Exception {
        UnaryOperator<io.rocketkube.broker.settings.BrokerSettings> sync = s -> s.withFlushMode(FlushMode.SYNC_FLUSH);
        cluster = new Cluster(dir, sync, config -> holding(DefaultMessageStore.open(config)));
        client = new RemotingClient(RemotingClientConfig.defaults());
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_SENDBACK");
        h.put("b", TOPIC);
        h.put("c", "TBW102");
        h.put("d", "1");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", "TAGS\u0001TagA");
        RemotingCommand sent = client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                        .withExtFields(h)
                        .withBody(new byte[] {7}),
                5000);
        assertThat(sent.code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @AfterEach
    void stop() {
        holdFlushes = false;
        held.forEach(x -> x.stored().thenAccept(x.answer()::complete));
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private MessageStore holding(MessageStore real) {
        return (MessageStore) Proxy.newProxyInstance(
                MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("put")
                            && holdFlushes
                            && ((MessageRecordRequest) args[0]).waitStoreMsgOk()) {
                        @SuppressWarnings("unchecked")
                        CompletableFuture<PutResult> stored = (CompletableFuture<PutResult>) result;
                        CompletableFuture<PutResult> answer = new CompletableFuture<>();
                        held.add(new Held((MessageRecordRequest) args[0], stored, answer));
                        return answer;
                    }
                    return result;
                });
    }

    private CompletableFuture<RemotingCommand> sendBack() {
        RemotingCommand request = RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                .withExtFields(Map.of(
                        "offset",
                        "0",
                        "group",
                        "CG_SENDBACK",
                        "delayLevel",
                        "0",
                        "originTopic",
                        TOPIC,
                        "maxReconsumeTimes",
                        "16"));
        return cluster.broker() == null
                ? null
                : client.invokeAsync(cluster.brokerAddr(), request, 10_000).thenApply(r -> {
                    assertThat(r.opaque()).isEqualTo(request.opaque());
                    return r;
                });
    }

    @Test
    void theSendBackAnswerWaitsForTheFlush() throws Exception {
        holdFlushes = true;
        CompletableFuture<RemotingCommand> answer = sendBack();
        await().atMost(Duration.ofSeconds(10)).until(() -> !held.isEmpty() || answer.isDone());
        await("no answer while the flush is held")
                .during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !answer.isDone());
        Held retry = held.poll(10, TimeUnit.SECONDS);
        // The retry waits out its delay level in the schedule topic, bound for the retry topic.
        assertThat(retry.request().topic()).isEqualTo("SCHEDULE_TOPIC_XXXX");
        assertThat(io.rocketkube.client.message.PropertiesCodec.find(
                        retry.request().properties(), "REAL_TOPIC"))
                .isEqualTo("%RETRY%CG_SENDBACK");
        retry.stored().thenAccept(retry.answer()::complete);
        RemotingCommand response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @Test
    void aFlushTimeoutIsAnsweredFlushDiskTimeout() throws Exception {
        holdFlushes = true;
        CompletableFuture<RemotingCommand> answer = sendBack();
        Held retry = held.poll(10, TimeUnit.SECONDS);
        assertThat(retry)
                .as("the retry was stored asking to wait for the flush")
                .isNotNull();
        retry.stored().thenAccept(r -> retry.answer().complete(r.withStatus(PutStatus.FLUSH_DISK_TIMEOUT)));
        RemotingCommand response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.code()).isEqualTo(ResponseCode.FLUSH_DISK_TIMEOUT);
    }
}
