package io.rocketkube.e2e.bench;

import java.util.ArrayList;
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
    ConcurrentMap<String, TopicConfig> table = new ConcurrentHashMap<>();
    for (int i = 0; i < topics; i++) {
      String topic = prefix + "-" + i;
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
    byte[] bytes = body.encode(false);

    RegisterBrokerRequestHeader header = new RegisterBrokerRequestHeader();
    header.setClusterName(CLUSTER);
    header.setBrokerName(BROKER_NAME);
    header.setBrokerAddr(BROKER_ADDR);
    header.setBrokerId(MixAll.MASTER_ID);
    header.setHaServerAddr("127.0.0.1:10912");
    header.setCompressed(false);
    header.setBodyCrc32(UtilAll.crc32(bytes));
    RemotingCommand request = RemotingCommand.createRequestCommand(RequestCode.REGISTER_BROKER, header);
    request.setBody(bytes);
    RemotingCommand response = client.invokeSync(namesrvAddr, request, 5_000);
    if (response.getCode() != ResponseCode.SUCCESS) {
      client.shutdown();
      throw new IllegalStateException("REGISTER_BROKER to " + namesrvAddr + " answered " + response.getCode()
          + " " + response.getRemark());
    }
    return new SyntheticBroker(client);
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
