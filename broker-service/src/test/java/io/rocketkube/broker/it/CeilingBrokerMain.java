package io.rocketkube.broker.it;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A NameServer and a broker in a JVM of their own, for {@link MemoryCeilingTest}: launched with the small heap
 * the broker is run with, so that holding what clients send shows up as an OutOfMemoryError (and, with
 * {@code -XX:+ExitOnOutOfMemoryError}, a dead process) instead of vanishing in the test JVM's heap.
 *
 * <p>Keeps its data in the directory given as its only argument (the test's own temporary directory, which
 * the test removes). Prints {@code ADDR host:port} once serving; answers each {@code stats} line on stdin with
 * {@code STATS queuedRequestBytes heldPulls heapUsedAfterGc nettyDirectBytes}; exits at stdin's end.
 */
public final class CeilingBrokerMain {
    private CeilingBrokerMain() {}

    public static void main(String[] args) throws Exception {
        try (Cluster cluster = new Cluster(Path.of(args[0]))) {
            System.out.println("ADDR " + cluster.brokerAddr());
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = commands.readLine()) != null) {
                if ("stats".equals(line.trim())) {
                    System.gc();
                    Runtime runtime = Runtime.getRuntime();
                    System.out.println("STATS " + cluster.broker().queuedRequestBytes() + " "
                            + cluster.broker().heldPullCount() + " " + (runtime.totalMemory() - runtime.freeMemory())
                            + " " + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
                    System.out.flush();
                }
            }
        }
    }
}
