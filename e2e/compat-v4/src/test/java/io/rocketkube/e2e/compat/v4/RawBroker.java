package io.rocketkube.e2e.compat.v4;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.rocketmq.common.DataVersion;
import org.apache.rocketmq.common.MQVersion;
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
 * A "broker" that sends one REGISTER_BROKER (a 4.9 RegisterBrokerBody, through the official 4.9.8
 * remoting client) and then stays silent with its connection open: exactly the case the
 * NameServer's expiry scan exists for. Not thread-safe.
 */
final class RawBroker implements AutoCloseable {

    private final NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
    private final String clusterName;
    private final String brokerName;
    private final String brokerAddr;

    RawBroker(String clusterName, String brokerName, String brokerAddr) {
        this.clusterName = clusterName;
        this.brokerName = brokerName;
        this.brokerAddr = brokerAddr;
        client.start();
    }

    /** Registers once with a table of the given topics (4 queues, perm 6). */
    void register(String namesrvAddr, String... topics) throws Exception {
        ConcurrentMap<String, TopicConfig> table = new ConcurrentHashMap<>();
        for (String topic : topics) {
            table.put(topic, new TopicConfig(topic, 4, 4, 6));
        }
        TopicConfigSerializeWrapper wrapper = new TopicConfigSerializeWrapper();
        wrapper.setTopicConfigTable(table);
        DataVersion version = new DataVersion();
        version.nextVersion();
        wrapper.setDataVersion(version);
        RegisterBrokerBody body = new RegisterBrokerBody();
        body.setTopicConfigSerializeWrapper(wrapper);
        body.setFilterServerList(new ArrayList<>());
        byte[] bytes = body.encode(false);

        RegisterBrokerRequestHeader header = new RegisterBrokerRequestHeader();
        header.setClusterName(clusterName);
        header.setBrokerName(brokerName);
        header.setBrokerAddr(brokerAddr);
        header.setBrokerId(MixAll.MASTER_ID);
        header.setHaServerAddr(brokerAddr);
        header.setCompressed(false);
        header.setBodyCrc32(UtilAll.crc32(bytes));
        RemotingCommand request = RemotingCommand.createRequestCommand(RequestCode.REGISTER_BROKER, header);
        // What a 4.9 broker sends; version 0 would select the pre-4.x body format.
        request.setVersion(MQVersion.CURRENT_VERSION);
        request.setBody(bytes);
        RemotingCommand response = client.invokeSync(namesrvAddr, request, 5_000);
        if (response.getCode() != ResponseCode.SUCCESS) {
            throw new IllegalStateException(
                    "REGISTER_BROKER answered " + response.getCode() + " " + response.getRemark());
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
