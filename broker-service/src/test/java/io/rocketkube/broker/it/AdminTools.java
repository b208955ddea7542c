package io.rocketkube.broker.it;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A {@link Cluster} with the official 4.9.8 admin tool and a producer started against its NameServer, as the
 * mqadmin tests use them; closing stops all three, whatever started.
 */
final class AdminTools implements AutoCloseable {
    final Cluster cluster;
    final DefaultMQAdminExt admin;
    final DefaultMQProducer producer;

    private AdminTools(Cluster cluster, DefaultMQAdminExt admin, DefaultMQProducer producer) {
        this.cluster = cluster;
        this.admin = admin;
        this.producer = producer;
    }

    /** Takes over {@code cluster}: it is closed here if the tools fail to start. */
    static AdminTools start(Cluster cluster, String adminInstance, String producerGroup, String producerInstance)
            throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        DefaultMQProducer producer = new DefaultMQProducer(producerGroup);
        AdminTools tools = new AdminTools(cluster, admin, producer);
        try {
            admin.setNamesrvAddr(cluster.namesrvAddr());
            admin.setInstanceName(adminInstance);
            admin.start();
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName(producerInstance);
            producer.start();
            return tools;
        } catch (Exception | Error e) {
            tools.close();
            throw e;
        }
    }

    @Override
    public void close() {
        producer.shutdown();
        admin.shutdown();
        cluster.close();
    }
}
