package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A send stored on the connection's event loop must never wait on the disk: the store is asked for an append
 * that cannot block, and whatever would block (the first CommitLog segment still to be created, SYNC_FLUSH's
 * pwrite) runs on the send pool. The real store is wrapped only to record which thread made which call.
 */
@Timeout(60)
class InlineSendHandOffTest {
    private static final String TOPIC = "T_INLINE";
    private static final Set<String> APPENDS = Set.of("put", "putBatch", "tryPutBatchWithoutBlocking");

    /** One store call: method, calling thread, and whether it appended (a null future means "would block"). */
    record Call(String method, String thread, boolean appended) {
        boolean onEventLoop() {
            return thread.startsWith("remoting-io");
        }
    }

    @TempDir
    Path dir;

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private NameServer nameServer;
    private Broker broker;
    private RemotingClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (nameServer != null) {
            nameServer.close();
        }
    }

    private String start(FlushMode flushMode) throws Exception {
        nameServer = new NameServer(NameServerSettings.forTest("127.0.0.1", dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        BrokerSettings settings = BrokerSettings.forTest("127.0.0.1", dir.resolve("broker"), nameServer.address())
                .withFlushMode(flushMode);
        broker = Broker.open(
                settings,
                Clock.systemUTC(),
                config -> recording(DefaultMessageStore.open(config)),
                new SimpleMeterRegistry());
        broker.start();
        client = new RemotingClient(RemotingClientConfig.defaults());
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(client.invokeSync(broker.address(), create, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
        return broker.address();
    }

    private MessageStore recording(MessageStore real) {
        return (MessageStore) Proxy.newProxyInstance(
                MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (APPENDS.contains(method.getName())) {
                        calls.add(new Call(
                                method.getName(), Thread.currentThread().getName(), result != null));
                    }
                    return result;
                });
    }

    private void send(String address, String body) throws Exception {
        RemotingCommand send = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .withExtFields(WireErrorsTest.sendHeader(TOPIC))
                .withBody(body.getBytes(StandardCharsets.UTF_8));
        assertThat(client.invokeSync(address, send, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @Test
    void anInlineSendThatWouldCreateTheFirstSegmentIsHandedToTheSendPoolAndTheNextStaysInline() throws Exception {
        String address = start(FlushMode.ASYNC_FLUSH);
        send(address, "first");
        List<Call> first = List.copyOf(calls);
        calls.clear();
        send(address, "second");

        assertThat(first).as("the first append needs a new segment file").hasSize(2);
        assertThat(first.get(0).method()).isEqualTo("tryPutBatchWithoutBlocking");
        assertThat(first.get(0).onEventLoop()).isTrue();
        assertThat(first.get(0).appended()).isFalse();
        assertThat(first.get(1).method()).isEqualTo("put");
        assertThat(first.get(1).thread()).startsWith("broker-send");
        assertThat(calls)
                .as("the second fits the segment: stored on the event loop")
                .containsExactly(
                        new Call("tryPutBatchWithoutBlocking", calls.get(0).thread(), true));
        assertThat(calls.get(0).onEventLoop()).isTrue();
    }

    @Test
    void underSyncFlushNoAppendRunsOnTheEventLoop() throws Exception {
        String address = start(FlushMode.SYNC_FLUSH);
        send(address, "first");
        send(address, "second");
        assertThat(calls).hasSize(2).allSatisfy(call -> {
            assertThat(call.onEventLoop()).as(call.toString()).isFalse();
            assertThat(call.thread()).startsWith("broker-send");
        });
    }
}
