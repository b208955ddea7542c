package io.rocketkube.broker.slave;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.registration.MasterAddress;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.util.SafeTask;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionGroupWrapper;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.util.DaemonThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slave's copy of its master's metadata, RocketMQ's {@code SlaveSynchronize}: every run fetches, from the
 * master's remoting port, the topic table (GET_ALL_TOPIC_CONFIG 21), the consumer offsets
 * (GET_ALL_CONSUMER_OFFSET 43), the delay-level offsets (GET_ALL_DELAY_OFFSET 45) and the subscription groups
 * (GET_ALL_SUBSCRIPTIONGROUP_CONFIG 201), in the reference's order, and applies what changed:
 * <ul>
 *   <li>topics and groups when the master's data version differs from ours: the master's table and version
 *       replace ours, persisted before they are visible (as the reference does);</li>
 *   <li>consumer offsets merged per queue keeping the larger (the reference lets the master win; that loses
 *       what consumers committed here while the master was down, see
 *       {@link ConsumerOffsetManager#mergeLarger});</li>
 *   <li>delay offsets when the body changed, handed to a {@link DelayOffsetTarget}.</li>
 * </ul>
 * Each part fails alone (a master that does not serve 45 still gets its topics copied). A failure is logged
 * when a part's state changes (ok to failing, or to a different failure, and back), not every run: a master
 * down for an hour would otherwise log 360 identical errors.
 *
 * <p>Runs on a thread of its own through {@code SafeTask}, not on the broker's shared scheduler: a master
 * that does not answer holds a run for up to four RPC timeouts, which must not delay registration or offset
 * persistence. One run at a time.
 */
public final class SlaveSynchronizer implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveSynchronizer.class);
    private static final long RPC_TIMEOUT_MILLIS = 3000;

    private final MasterAddress master;
    private final String selfAddress;
    private final RemotingClient client;
    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final ConsumerOffsetManager offsets;
    private final DelayOffsetTarget delayOffsets;
    /** Adds the ACL signature the master asks for (docs/acl.md); identity without an ACL. */
    private final UnaryOperator<RemotingCommand> signer;
    /** Per part, the last outcome logged: "ok" or the failure's text. */
    private final Map<String, String> lastOutcome = new ConcurrentHashMap<>();

    private volatile String lastDelayOffsets;
    private volatile long completedRuns;
    private ScheduledExecutorService thread;

    public SlaveSynchronizer(
            MasterAddress master,
            String selfAddress,
            RemotingClient client,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerOffsetManager offsets,
            DelayOffsetTarget delayOffsets,
            UnaryOperator<RemotingCommand> signer) {
        this.signer = signer;
        this.master = master;
        this.selfAddress = selfAddress;
        this.client = client;
        this.topics = topics;
        this.groups = groups;
        this.offsets = offsets;
        this.delayOffsets = delayOffsets;
    }

    /** Runs every {@code every}, the first time after {@code min(3 s, every)} (the reference's 3 s). */
    public synchronized void start(Duration every, MeterRegistry meters) {
        thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("slave-sync"));
        long millis = every.toMillis();
        SafeTask.scheduleWithFixedDelay(
                thread, "slave-sync", this, meters, Math.min(3000, millis), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    @Override
    public void run() {
        Optional<String> address = master.master().filter(a -> !a.equals(selfAddress));
        if (address.isEmpty()) {
            outcome("master", "no master known yet (the NameServers have not named one)");
            return;
        }
        outcome("master", "ok");
        String masterAddr = address.get();
        part(masterAddr, "topics", () -> syncTopics(masterAddr));
        part(masterAddr, "consumer offsets", () -> syncConsumerOffsets(masterAddr));
        part(masterAddr, "delay offsets", () -> syncDelayOffsets(masterAddr));
        part(masterAddr, "subscription groups", () -> syncGroups(masterAddr));
        completedRuns++;
    }

    /** Runs finished so far (with or without failed parts); tests wait on it. */
    public long completedRuns() {
        return completedRuns;
    }

    private interface Part {
        void run() throws Exception;
    }

    private void part(String masterAddr, String name, Part part) {
        try {
            part.run();
            outcome(name, "ok");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            outcome(name, "cannot sync " + name + " from master " + masterAddr + ": " + e);
        }
    }

    private void outcome(String part, String outcome) {
        String previous = lastOutcome.put(part, outcome);
        if (Objects.equals(previous, outcome)) {
            return;
        }
        if (!"ok".equals(outcome)) {
            LOG.warn("slave sync: {}; retrying every run, logged again when this changes", outcome);
        } else if (previous != null) {
            LOG.info("slave sync: {} in sync with the master again", part);
        }
    }

    private void syncTopics(String masterAddr) throws Exception {
        byte[] body = fetch(masterAddr, RequestCode.GET_ALL_TOPIC_CONFIG);
        TopicConfigSerializeWrapper wrapper = RemotingJson.mapper().readValue(body, TopicConfigSerializeWrapper.class);
        if (topics.replaceWith(wrapper)) {
            LOG.info(
                    "slave sync: topic table from master {}: {} topics, version {}",
                    masterAddr,
                    wrapper.topicConfigTable().size(),
                    wrapper.dataVersion());
        }
    }

    private void syncConsumerOffsets(String masterAddr) throws Exception {
        byte[] body = fetch(masterAddr, RequestCode.GET_ALL_CONSUMER_OFFSET);
        OffsetTable table = RemotingJson.mapper().readValue(body, OffsetTable.class);
        if (table.offsetTable() != null && offsets.mergeLarger(table.offsetTable()) > 0) {
            offsets.persist();
        }
    }

    private void syncDelayOffsets(String masterAddr) throws Exception {
        String json = new String(fetch(masterAddr, RequestCode.GET_ALL_DELAY_OFFSET), StandardCharsets.UTF_8);
        if (!json.equals(lastDelayOffsets)) {
            delayOffsets.apply(json);
            lastDelayOffsets = json;
        }
    }

    private void syncGroups(String masterAddr) throws Exception {
        byte[] body = fetch(masterAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
        SubscriptionGroupWrapper wrapper = RemotingJson.mapper().readValue(body, SubscriptionGroupWrapper.class);
        if (groups.replaceWith(wrapper)) {
            LOG.info(
                    "slave sync: subscription groups from master {}: {} groups, version {}",
                    masterAddr,
                    wrapper.subscriptionGroupTable() == null
                            ? 0
                            : wrapper.subscriptionGroupTable().size(),
                    wrapper.dataVersion());
        }
    }

    private byte[] fetch(String masterAddr, int code) throws Exception {
        RemotingCommand response =
                client.invokeSync(masterAddr, signer.apply(RemotingCommand.request(code)), RPC_TIMEOUT_MILLIS);
        if (response.code() != ResponseCode.SUCCESS) {
            throw new IOException("master answered code " + response.code() + " (" + response.remark() + ")");
        }
        if (response.body() == null || response.body().length == 0) {
            throw new IOException("master answered without a body");
        }
        return response.body();
    }

    /** ConsumerOffsetSerializeWrapper; 5.x adds a dataVersion, ignored (the merge does not need it). */
    private record OffsetTable(Map<String, Map<Integer, Long>> offsetTable) {}
}
