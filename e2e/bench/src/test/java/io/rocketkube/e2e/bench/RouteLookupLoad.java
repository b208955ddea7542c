package io.rocketkube.e2e.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Closed-loop GET_ROUTEINFO_BY_TOPIC (105) load: each thread has its own connection (its own
 * official 4.9.8 NettyRemotingClient) and sends one synchronous request at a time. Requests
 * during the warm-up are not counted. Any answer other than SUCCESS counts as an error.
 */
final class RouteLookupLoad {

    record Result(long lookups, long errors, Duration measured) {
        double perSecond() {
            return lookups / (measured.toNanos() / 1e9);
        }
    }

    private RouteLookupLoad() {}

    /** Checks once that the route is the synthetic broker's, so the load measures real answers. */
    static void verifyRoute(String namesrvAddr, String topic) throws Exception {
        NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
        client.start();
        try {
            RemotingCommand response = client.invokeSync(namesrvAddr, request(topic), 5_000);
            if (response.getCode() != ResponseCode.SUCCESS) {
                throw new IllegalStateException(
                        "route of " + topic + ": " + response.getCode() + " " + response.getRemark());
            }
            TopicRouteData route = TopicRouteData.decode(response.getBody(), TopicRouteData.class);
            if (route.getQueueDatas().size() != 1
                    || route.getQueueDatas().get(0).getWriteQueueNums() != 8
                    || !SyntheticBroker.BROKER_ADDR.equals(
                            route.getBrokerDatas().get(0).getBrokerAddrs().get(0L))) {
                throw new IllegalStateException("unexpected route of " + topic + ": " + route);
            }
        } finally {
            client.shutdown();
        }
    }

    static Result run(String namesrvAddr, String topic, int threads, Duration warmup, Duration duration)
            throws InterruptedException {
        AtomicLong lookups = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long measureTo = measureFrom + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
                        client.start();
                        long mine = 0;
                        long myErrors = 0;
                        try {
                            for (long now = System.nanoTime(); now < measureTo; now = System.nanoTime()) {
                                boolean ok;
                                try {
                                    ok = client.invokeSync(namesrvAddr, request(topic), 3_000)
                                                    .getCode()
                                            == ResponseCode.SUCCESS;
                                } catch (Exception e) {
                                    ok = false;
                                }
                                long done = System.nanoTime();
                                if (done >= measureFrom && done < measureTo) {
                                    if (ok) {
                                        mine++;
                                    } else {
                                        myErrors++;
                                    }
                                }
                            }
                        } finally {
                            client.shutdown();
                            lookups.addAndGet(mine);
                            errors.addAndGet(myErrors);
                        }
                    },
                    "route-lookup-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return new Result(lookups.get(), errors.get(), duration);
    }

    private static RemotingCommand request(String topic) {
        GetRouteInfoRequestHeader header = new GetRouteInfoRequestHeader();
        header.setTopic(topic);
        return RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, header);
    }
}
