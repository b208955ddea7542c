package io.rocketkube.broker.it;

import static io.rocketkube.client.util.testing.TestFiles.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerRole;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.header.EndTransactionRequestHeader;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Master/slave replication over the HA port, with the official 4.9.8 producer, all in-process on loopback. */
@Timeout(120)
class ReplicationTest {
    private static final String HOST = Cluster.HOST;
    private static final String TOPIC = "T_HA";

    @TempDir
    Path dir;

    private NameServer nameServer;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startNameServer() throws Exception {
        // Cluster's static block sets the official client's log and offset directories.
        Class.forName(Cluster.class.getName());
        nameServer = new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        nameServer.close();
    }

    private Broker start(String name, BrokerRole role, int port, int haPort, UnaryOperator<BrokerSettings> more)
            throws Exception {
        return start(name, role, port, haPort, more, new SimpleMeterRegistry());
    }

    private Broker start(
            String name,
            BrokerRole role,
            int port,
            int haPort,
            UnaryOperator<BrokerSettings> more,
            MeterRegistry meters)
            throws Exception {
        BrokerSettings s = BrokerSettings.forTest(HOST, dir.resolve(name), nameServer.address())
                .withRole(role == BrokerRole.SLAVE ? 1 : 0, role)
                .withPort(port)
                .withHaPort(haPort);
        s = s.withHa(s.ha().withIntervals(Duration.ofSeconds(4), Duration.ofMillis(500)));
        Broker b = Broker.open(more.apply(s), Clock.systemUTC(), DefaultMessageStore::open, meters);
        b.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.lastRegistrationMillis() >= 0);
        return b;
    }

    private DefaultMQProducer producer(String group) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(nameServer.address());
        p.setInstanceName(group);
        p.setRetryTimesWhenSendFailed(0);
        p.setSendMsgTimeout(10_000);
        p.start();
        open.add(p::shutdown);
        return p;
    }

    private static List<SendResult> send(DefaultMQProducer p, int from, int count) throws Exception {
        List<SendResult> results = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            results.add(p.send(
                    new Message(TOPIC, "TagA", "k" + i, ("body-" + i + "-" + "x".repeat(i % 300)).getBytes())));
        }
        return results;
    }

    /** Every stored record of every queue of the topic, as bytes, in queue order. */
    private static List<String> queues(MessageStore store) {
        List<String> out = new ArrayList<>();
        for (int q = 0; q < 8; q++) {
            long o = store.minOffset(TOPIC, q);
            while (o < store.maxOffset(TOPIC, q)) {
                try (GetResult g = store.get(TOPIC, q, o, 64, 1 << 20, MessageFilter.ALL)) {
                    for (MessageSlice m : g.messages()) {
                        out.add(q + ":" + m.physicalOffset() + ":"
                                + java.util.HexFormat.of().formatHex(m.toBytes()));
                    }
                    o = g.nextBeginOffset();
                }
            }
        }
        return out;
    }

    private static void awaitSameQueues(Broker master, Broker slave) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> slave.store().maxPhysicalOffset() == master.store().maxPhysicalOffset()
                        && queues(slave.store()).equals(queues(master.store())));
        assertThat(queues(slave.store())).isNotEmpty().isEqualTo(queues(master.store()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSlaveReplicatesByteForByteAndResumesAfterEitherSideRestarts() throws Exception {
        int masterPort = freePort();
        int haPort = freePort();
        Broker master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        open.add(slave);
        DefaultMQProducer p = producer("PG_HA1");
        send(p, 0, 200);
        awaitSameQueues(master, slave);
        assertThat(slave.ha().clientStatus())
                .get()
                .extracting(s -> s.state().name())
                .isEqualTo("REPLICATING");
        assertThat(master.ha().progress().slaveCount()).isEqualTo(1);
        Broker m0 = master;
        Broker s0 = slave;
        await().atMost(Duration.ofSeconds(10)).until(() -> m0.ha().lagBytes() == 0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> s0.isReady(120_000) && s0.ha().lagBytes() == 0);
        org.apache.rocketmq.tools.admin.DefaultMQAdminExt admin =
                new org.apache.rocketmq.tools.admin.DefaultMQAdminExt();
        admin.setNamesrvAddr(nameServer.address());
        admin.setInstanceName("ha-admin");
        admin.start();
        try {
            java.util.Map<String, String> m =
                    admin.fetchBrokerRuntimeStats(master.address()).getTable();
            assertThat(m)
                    .containsEntry("slaveFallBehindMuch", "0")
                    .containsEntry("haConnectionCount", "1")
                    .containsEntry(
                            "haPush2SlaveMaxOffset",
                            String.valueOf(master.store().maxPhysicalOffset()));
            assertThat(m.get("haSlaveAckOffsets")).endsWith("=" + master.store().maxPhysicalOffset());
            java.util.Map<String, String> sl =
                    admin.fetchBrokerRuntimeStats(slave.address()).getTable();
            assertThat(sl)
                    .containsEntry("masterAddr", master.address())
                    .containsEntry("haClientState", "REPLICATING")
                    .containsEntry("haMasterAddress", HOST + ":" + haPort)
                    .containsEntry("haReplicationLagBytes", "0")
                    .containsEntry(
                            "commitLogMaxOffset", String.valueOf(master.store().maxPhysicalOffset()))
                    .containsEntry("slaveReady", "true");
        } finally {
            admin.shutdown();
        }

        slave.close();
        open.remove(slave);
        send(p, 200, 50);
        slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        open.add(slave);
        awaitSameQueues(master, slave);

        master.close();
        master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        open.add(master);
        send(p, 250, 50);
        awaitSameQueues(master, slave);
    }

    /**
     * A master given HA port 0 picks no port at open (a probed port could be taken by another process before the
     * bind); the kernel chooses it when start binds, and the registration announces that port: the slave, told
     * nothing but the NameServer, learns exactly it and replicates.
     */
    @Test
    void aMasterGivenHaPortZeroBindsAtStartAndRegistersTheBoundPort() throws Exception {
        BrokerSettings settings = BrokerSettings.forTest(HOST, dir.resolve("master"), nameServer.address())
                .withRole(0, BrokerRole.ASYNC_MASTER)
                .withHaPort(0);
        Broker master = Broker.open(settings, Clock.systemUTC(), DefaultMessageStore::open, new SimpleMeterRegistry());
        open.add(master);
        assertThat(master.haPort()).as("no HA port before start").isZero();
        master.start();
        int bound = master.haPort();
        assertThat(bound).isPositive();
        try (Socket probe = new Socket(HOST, bound)) {
            assertThat(probe.isConnected()).isTrue();
        }

        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        open.add(slave);
        assertThat(slave.settings().ha().masterHaAddress()).isEmpty();
        send(producer("PG_HA0"), 0, 20);
        awaitSameQueues(master, slave);
        assertThat(slave.ha().runtimeInfo()).containsEntry("haMasterAddress", HOST + ":" + bound);
        // What mqadmin getBrokerConfig shows is the port it listens on, not the 0 it was given.
        RemotingCommand config = producer("PG_HA0_CONFIG")
                .getDefaultMQProducerImpl()
                .getMqClientFactory()
                .getMQClientAPIImpl()
                .getRemotingClient()
                .invokeSync(
                        master.address(),
                        RemotingCommand.createRequestCommand(RequestCode.GET_BROKER_CONFIG, null),
                        5000);
        Properties shown = new Properties();
        shown.load(new StringReader(new String(config.getBody(), StandardCharsets.UTF_8)));
        assertThat(shown.getProperty("haListenPort")).isEqualTo(String.valueOf(bound));
        assertThat(shown.getProperty("listenPort")).isEqualTo(String.valueOf(master.port()));
    }

    @Test
    void syncMasterAcknowledgesOnlyReplicatedSendsAndSaysWhyOtherwise() throws Exception {
        Broker master = start(
                "master",
                BrokerRole.SYNC_MASTER,
                0,
                0,
                s -> s.withHa(s.ha().withSlaveTimeout(Duration.ofMillis(1500))));
        open.add(master);
        DefaultMQProducer p = producer("PG_HA2");
        // No slave attached: stored, but SLAVE_NOT_AVAILABLE (code 11).
        SendResult alone = send(p, 0, 1).get(0);
        assertThat(alone.getSendStatus()).isEqualTo(SendStatus.SLAVE_NOT_AVAILABLE);
        // ... and served: it reaches its ConsumeQueue (dispatched asynchronously).
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        master.store().maxOffset(TOPIC, alone.getMessageQueue().getQueueId()) > 0);

        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.ha().progress().slaveCount() == 1);
        for (SendResult r : send(p, 1, 20)) {
            assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            long end = r.getOffsetMsgId() == null
                    ? 0
                    : io.rocketkube.client.message.OffsetMsgId.decode(r.getOffsetMsgId())
                            .physicalOffset();
            // Acknowledged means the slave had it: its end covers the message at the moment of the answer.
            assertThat(slave.store().maxPhysicalOffset()).isGreaterThan(end);
        }
        slave.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.ha().progress().slaveCount() == 0);
        assertThat(send(p, 21, 1).get(0).getSendStatus()).isEqualTo(SendStatus.SLAVE_NOT_AVAILABLE);

        // A slave that attaches and then never acknowledges: FLUSH_SLAVE_TIMEOUT (code 12) after the slave timeout.
        try (Socket stalled = new Socket()) {
            stalled.connect(new InetSocketAddress(HOST, master.haPort()));
            new DataOutputStream(stalled.getOutputStream())
                    .writeLong(master.store().maxPhysicalOffset());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> master.ha().progress().slaveCount() == 1);
            long t0 = System.nanoTime();
            assertThat(send(p, 22, 1).get(0).getSendStatus()).isEqualTo(SendStatus.FLUSH_SLAVE_TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
            // The unacknowledged bytes show as lag, in bytes and in age.
            assertThat(master.ha().lagBytes()).isPositive();
            await().atMost(Duration.ofSeconds(10)).until(() -> master.ha().lagMillis() >= 1000);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.store().maxOffset(TOPIC, 0)
                                + master.store().maxOffset(TOPIC, 1)
                                + master.store().maxOffset(TOPIC, 2)
                                + master.store().maxOffset(TOPIC, 3)
                        == 23);
    }

    /**
     * The HA connection follows the client I/O loop its SYNC_MASTER sends come from (HaConnection), and
     * replication and acknowledgements go on as before once it has moved.
     */
    @Test
    void syncMasterMovesTheHaConnectionToTheSendersLoopAndKeepsReplicating() throws Exception {
        Broker master = start("master", BrokerRole.SYNC_MASTER, 0, 0, s -> s);
        open.add(master);
        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        open.add(slave);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.ha().progress().slaveCount() == 1);
        assertThat(master.ha().connectionThreads()).singleElement().asString().startsWith("ha-io");
        DefaultMQProducer p = producer("PG_HA6");
        int sent = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!master.ha().connectionThreads().get(0).startsWith("remoting-io") && System.nanoTime() < deadline) {
            assertThat(send(p, sent++, 1).get(0).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        }
        assertThat(master.ha().connectionThreads()).singleElement().asString().startsWith("remoting-io");
        for (SendResult r : send(p, sent, 50)) {
            assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            long start = io.rocketkube.client.message.OffsetMsgId.decode(r.getOffsetMsgId())
                    .physicalOffset();
            assertThat(slave.store().maxPhysicalOffset()).isGreaterThan(start);
        }
        awaitSameQueues(master, slave);
    }

    /**
     * docs/replication.md, "Puts the broker makes itself": as in 4.9.7, a transaction's commit and a delayed
     * message's re-put are stored with WAIT=false and not held for the slave, while the half and the delayed put
     * that the producer was answered for were.
     */
    @Test
    void syncMasterHoldsNeitherATransactionCommitNorADelayedRePutForTheSlave() throws Exception {
        Duration slaveTimeout = Duration.ofSeconds(4);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Broker master = start(
                "master",
                BrokerRole.SYNC_MASTER,
                0,
                0,
                s -> s.withHa(s.ha().withSlaveTimeout(slaveTimeout)).withDelayLevels(DelayLevels.parse("1s 5s")),
                meters);
        open.add(master);
        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.ha().progress().slaveCount() == 1);
        DefaultMQProducer p = producer("PG_HA5");
        Message half = new Message(TOPIC, "TagA", "tx-1", "committed body".getBytes());
        MessageAccessor.putProperty(half, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        MessageAccessor.putProperty(half, MessageConst.PROPERTY_PRODUCER_GROUP, "PG_HA5");
        SendResult halfSent = p.send(half);
        Message delayed = new Message(TOPIC, "TagA", "delayed-1", "delayed body".getBytes());
        delayed.setDelayTimeLevel(2);
        SendResult delayedSent = p.send(delayed);
        assertThat(List.of(halfSent.getSendStatus(), delayedSent.getSendStatus()))
                .containsOnly(SendStatus.SEND_OK);

        // The slave goes, and one attaches that never acknowledges: a held put would now wait slaveTimeout.
        slave.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.ha().progress().slaveCount() == 0);
        try (Socket stalled = new Socket()) {
            stalled.connect(new InetSocketAddress(HOST, master.haPort()));
            new DataOutputStream(stalled.getOutputStream())
                    .writeLong(master.store().maxPhysicalOffset());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> master.ha().progress().slaveCount() == 1);

            EndTransactionRequestHeader h = new EndTransactionRequestHeader();
            h.setProducerGroup("PG_HA5");
            h.setTranStateTableOffset(halfSent.getQueueOffset());
            h.setCommitLogOffset(
                    MessageDecoder.decodeMessageId(halfSent.getOffsetMsgId()).getOffset());
            h.setCommitOrRollback(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
            h.setFromTransactionCheck(false);
            h.setMsgId(halfSent.getMsgId());
            h.setTransactionId(halfSent.getTransactionId());
            long t0 = System.nanoTime();
            RemotingCommand answer = p.getDefaultMQProducerImpl()
                    .getMqClientFactory()
                    .getMQClientAPIImpl()
                    .getRemotingClient()
                    .invokeSync(
                            master.address(),
                            RemotingCommand.createRequestCommand(RequestCode.END_TRANSACTION, h),
                            10_000);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(answer.getCode()).as(answer.getRemark()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(took).isLessThan(slaveTimeout.dividedBy(2));

            // The commit and, once due, the re-put are in the real topic with WAIT=false, as 4.9.7 stores them.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> stored(master.store()).size() == 2);
            assertThat(stored(master.store()))
                    .extracting(m -> m.getKeys() + " WAIT=" + m.getProperty("WAIT"))
                    .containsExactlyInAnyOrder("tx-1 WAIT=false", "delayed-1 WAIT=false");
            // The schedule moved past the re-put without waiting for the stalled slave.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.get("rocketkube.broker.schedule.delivered")
                                    .counter()
                                    .count()
                            == 1);
            assertThat(meters.get("rocketkube.broker.schedule.lateness").timer().max(TimeUnit.MILLISECONDS))
                    .isLessThan(slaveTimeout.dividedBy(2).toMillis());
            assertThat(meters.get("rocketkube.broker.schedule.failures")
                            .counter()
                            .count())
                    .isZero();
        }
    }

    /** The messages of {@link #TOPIC} in the store, decoded by the official client. */
    private static List<MessageExt> stored(MessageStore store) {
        List<MessageExt> out = new ArrayList<>();
        for (String q : queues(store)) {
            byte[] bytes = java.util.HexFormat.of().parseHex(q.substring(q.lastIndexOf(':') + 1));
            out.add(MessageDecoder.decode(java.nio.ByteBuffer.wrap(bytes)));
        }
        return out;
    }

    @Test
    void aSlaveAheadOfAMasterRestoredFromAnOlderCopyCutsTheExtraBytesAndNeverServesThem() throws Exception {
        int masterPort = freePort();
        int haPort = freePort();
        Path masterDir = dir.resolve("master");
        Broker master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        Broker slave =
                start("slave", BrokerRole.SLAVE, 0, 0, s -> s.withHa(s.ha().withMasterHaAddress(HOST + ":" + haPort)));
        open.add(slave);
        DefaultMQProducer p = producer("PG_HA3");
        send(p, 0, 30);
        awaitSameQueues(master, slave);
        master.close();
        Path older = dir.resolve("master-older");
        copyTree(masterDir, older);
        long olderEnd;
        master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        send(p, 30, 20);
        awaitSameQueues(master, slave);
        List<String> masterBefore = queues(master.store());
        master.close();
        deleteTree(masterDir);
        Files.move(older, masterDir);
        master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        open.add(master);
        olderEnd = master.store().maxPhysicalOffset();
        Broker m = master;
        await().atMost(Duration.ofSeconds(20)).until(() -> slave.store().maxPhysicalOffset() == olderEnd);
        List<String> served = queues(slave.store());
        assertThat(served).isEqualTo(queues(master.store())).hasSize(30);
        assertThat(masterBefore).hasSize(50);
        // Replication goes on from the master's end, and the slave again serves exactly the master's records.
        send(p, 100, 10);
        awaitSameQueues(m, slave);
        assertThat(queues(slave.store())).hasSize(40);
    }

    @Test
    void aSlaveWhoseMasterCameBackFromAnOlderCopyAndTookWritesFirstKeepsOnlyWhatTheyShare() throws Exception {
        int masterPort = freePort();
        int haPort = freePort();
        Path masterDir = dir.resolve("master");
        UnaryOperator<BrokerSettings> toMaster = s -> s.withHa(s.ha().withMasterHaAddress(HOST + ":" + haPort));
        Broker master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, toMaster);
        DefaultMQProducer p = producer("PG_HA5");
        send(p, 0, 30);
        awaitSameQueues(master, slave);
        master.close();
        Path older = dir.resolve("master-older");
        copyTree(masterDir, older);
        master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        send(p, 30, 20);
        awaitSameQueues(master, slave);
        long slaveEnd = slave.store().maxPhysicalOffset();
        slave.close();
        master.close();
        deleteTree(masterDir);
        Files.move(older, masterDir);
        master = start("master", BrokerRole.ASYNC_MASTER, masterPort, haPort, s -> s);
        open.add(master);
        // The restored master takes writes before its slave is back, past the slave's end: offsets alone would let
        // the slave report its end and resume there, keeping 20 records the master never had under queue offsets
        // that name other messages on the master.
        send(p, 500, 40);
        assertThat(master.store().maxPhysicalOffset()).isGreaterThan(slaveEnd);
        Broker back = start("slave", BrokerRole.SLAVE, 0, 0, toMaster);
        open.add(back);
        awaitSameQueues(master, back);
        assertThat(queues(back.store())).hasSize(70);
    }

    @Test
    void badInputOnTheHaPortClosesThatConnectionOnly() throws Exception {
        Broker master = start(
                "master",
                BrokerRole.ASYNC_MASTER,
                0,
                0,
                s -> s.withHa(s.ha().withIntervals(Duration.ofSeconds(2), Duration.ofMillis(500))));
        open.add(master);
        Broker slave = start("slave", BrokerRole.SLAVE, 0, 0, s -> s);
        open.add(slave);
        DefaultMQProducer p = producer("PG_HA4");
        send(p, 0, 10);
        awaitSameQueues(master, slave);
        InetSocketAddress ha = new InetSocketAddress(HOST, master.haPort());

        // Garbage: a negative offset.
        try (Socket s = new Socket()) {
            s.connect(ha);
            s.getOutputStream().write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        // An offset beyond the master's end: one empty frame carrying the master's end, then closed.
        try (Socket s = new Socket()) {
            s.connect(ha);
            new DataOutputStream(s.getOutputStream()).writeLong(master.store().maxPhysicalOffset() + 1_000_000);
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readLong()).isEqualTo(master.store().maxPhysicalOffset());
            assertThat(in.readInt()).isZero();
            assertThat(in.read()).isEqualTo(-1);
        }
        // A reader that never reads (it keeps reporting, so it is not merely silent).
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(ha);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(0);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> master.ha().progress().slaveCount() == 2);
            byte[] big = new byte[60_000];
            List<SendResult> during = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            boolean closed = false;
            for (int i = 1000; !closed && System.nanoTime() < deadline; i++) {
                during.add(p.send(new Message(TOPIC, "TagA", "big" + i, big)));
                try {
                    out.writeLong(0); // keeps reporting: it is not silent, it only never reads
                } catch (IOException e) {
                    // the master closed it
                }
                closed = master.ha().progress().slaveCount() == 1;
            }
            assertThat(closed).as("the master dropped the stalled reader").isTrue();
            assertThat(during).allMatch(r -> r.getSendStatus() == SendStatus.SEND_OK);
        }
        // The real slave was never disturbed and has everything.
        awaitSameQueues(master, slave);
        assertThat(master.ha().progress().slaveCount()).isEqualTo(1);
    }
}
