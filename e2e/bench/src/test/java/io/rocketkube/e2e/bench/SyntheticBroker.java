package io.rocketkube.e2e.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.rocketmq.common.DataVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.common.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.common.protocol.header.namesrv.RegisterBrokerRequestHeader;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * A broker that only registers: sends REGISTER_BROKER (RegisterBrokerBody, like a 4.9 broker) with
 * the official 4.9.8 remoting API and keeps the connection open (closing it unregisters the broker
 * at the NameServer). Lighter than a real broker, so the NameServer benchmark measures only the
 * NameServer. Not thread-safe.
 */
final class SyntheticBroker implements AutoCloseable {

    static final String CLUSTER = "BenchCluster";
    static final String BROKER_NAME = "bench-broker-a";
    static final String BROKER_ADDR = "127.0.0.1:10911";

    private final NettyRemotingClient client;

    private SyntheticBroker(NettyRemotingClient client) {
        this.client = client;
    }

    /** Registers {@code topics} topics named {@code prefix-0..n-1}, 8 queues each, read-write. */
    static SyntheticBroker register(String namesrvAddr, String prefix, int topics) throws Exception {
        NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
        client.start();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            names.add(prefix + "-" + i);
        }
        byte[] bytes = registrationBody(names);

        RemotingCommand request = registrationRequest(CLUSTER, BROKER_NAME, BROKER_ADDR, "127.0.0.1:10912", bytes);
        RemotingCommand response = client.invokeSync(namesrvAddr, request, 5_000);
        if (response.getCode() != ResponseCode.SUCCESS) {
            client.shutdown();
            throw new IllegalStateException("REGISTER_BROKER to " + namesrvAddr + " answered " + response.getCode()
                    + " " + response.getRemark());
        }
        return new SyntheticBroker(client);
    }

    /** REGISTER_BROKER of a master at {@code brokerAddr} carrying {@code body} uncompressed. */
    static RemotingCommand registrationRequest(
            String cluster, String brokerName, String brokerAddr, String haAddr, byte[] body) {
        RegisterBrokerRequestHeader header = new RegisterBrokerRequestHeader();
        header.setClusterName(cluster);
        header.setBrokerName(brokerName);
        header.setBrokerAddr(brokerAddr);
        header.setBrokerId(MixAll.MASTER_ID);
        header.setHaServerAddr(haAddr);
        header.setCompressed(false);
        header.setBodyCrc32(UtilAll.crc32(body));
        RemotingCommand request = RemotingCommand.createRequestCommand(RequestCode.REGISTER_BROKER, header);
        request.setBody(body);
        return request;
    }

    /** An uncompressed RegisterBrokerBody holding {@code topics}, 8 read and 8 write queues each, read-write. */
    static byte[] registrationBody(Collection<String> topics) {
        ConcurrentMap<String, TopicConfig> table = new ConcurrentHashMap<>();
        for (String topic : topics) {
            table.put(topic, new TopicConfig(topic, 8, 8, 6));
        }
        TopicConfigSerializeWrapper wrapper = new TopicConfigSerializeWrapper();
        wrapper.setTopicConfigTable(table);
        DataVersion version = new DataVersion();
        version.nextVersion();
        wrapper.setDataVersion(version);
        RegisterBrokerBody body = new RegisterBrokerBody();
        body.setTopicConfigSerializeWrapper(wrapper);
        body.setFilterServerList(new ArrayList<>());
        return body.encode(false);
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
