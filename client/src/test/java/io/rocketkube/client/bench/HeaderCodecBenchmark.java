package io.rocketkube.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rocketkube.client.remoting.FrameDecoder;
import io.rocketkube.client.remoting.FrameEncoder;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingCommandCodecBench;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nanoseconds per JSON header encode and decode, for the two headers of a send (the 4.9.8 producer's
 * SEND_MESSAGE_V2 request and our answer), each through the hand-written path (what frames use) and through
 * Jackson (the fallback, and what every frame used before), plus a whole request frame through
 * {@link FrameEncoder} and {@link FrameDecoder}. No JMH: each figure is the median of rounds of a timed loop
 * after a warm-up, single-threaded, so read it as relative. Run with
 * {@code ./mvnw -B verify -Pbench -pl client -am -Dtest=HeaderCodecBenchmark}.
 */
@Tag("benchmark")
class HeaderCodecBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 9);
    private static final int ITERATIONS = Integer.getInteger("bench.iterations", 200_000);

    @Test
    void headerCodec() {
        RemotingCommand request = RemotingCommand.request(310)
                .withExtField("a", "ProducerGroupBench")
                .withExtField("b", "BenchTopic")
                .withExtField("c", "TBW102")
                .withExtField("d", 4)
                .withExtField("e", 3)
                .withExtField("f", 0)
                .withExtField("g", 1733430000000L)
                .withExtField("h", 0)
                .withExtField(
                        "i", "UNIQ_KEY\u00017F0000010A5B18B4AAC2774A6F1C0000\u0002WAIT\u0001true\u0002TAGS\u0001TagA")
                .withExtField("j", 0)
                .withExtField("k", false)
                .withExtField("m", false)
                .withExtField("n", "broker-a");
        RemotingCommand response = request.response(0)
                .withExtField("msgId", "7F00000100002A9F0000000000A1B2C3")
                .withExtField("queueId", 3)
                .withExtField("queueOffset", 123456)
                .withExtField("transactionId", "7F0000010A5B18B4AAC2774A6F1C0000")
                .withExtField("MSG_REGION", "DefaultRegion")
                .withExtField("TRACE_ON", "true");
        System.out.printf("%-44s %10s%n", "ns per operation (median of " + ROUNDS + " x " + ITERATIONS + ")", "ns");
        for (RemotingCommand command : List.of(request, response)) {
            String name = command.isResponse() ? "send response" : "send request";
            System.out.printf(
                    "%-44s %10.0f%n",
                    name + " encode, hand-written", median(() -> RemotingCommandCodecBench.encodeFast(command)));
            System.out.printf(
                    "%-44s %10.0f%n",
                    name + " encode, Jackson", median(() -> RemotingCommandCodecBench.encodeJackson(command)));
            byte[] header = RemotingCommandCodecBench.header(command);
            System.out.printf(
                    "%-44s %10.0f%n",
                    name + " decode, hand-written", median(() -> RemotingCommandCodecBench.decodeFast(header)));
            System.out.printf(
                    "%-44s %10.0f%n",
                    name + " decode, Jackson", median(() -> RemotingCommandCodecBench.decodeJackson(header)));
        }
        request.withBody(new byte[1024]);
        System.out.printf(
                "%-44s %10.0f%n",
                "send request frame (1 KiB body) encode", median(() -> RemotingCommandCodecBench.encodeFrame(request)));
        ByteBuf frame = RemotingCommandCodecBench.frame(request, PooledByteBufAllocator.DEFAULT);
        System.out.printf(
                "%-44s %10.0f%n",
                "send request frame (1 KiB body) decode", median(() -> RemotingCommandCodecBench.decodeFrame(frame)));
        frame.release();
    }

    private static double median(java.util.function.LongSupplier operation) {
        long sink = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            sink += operation.getAsLong();
        }
        List<Double> perOp = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            for (int i = 0; i < ITERATIONS; i++) {
                sink += operation.getAsLong();
            }
            perOp.add((System.nanoTime() - started) / (double) ITERATIONS);
        }
        if (sink == 42) {
            System.out.println("(sink)");
        }
        Collections.sort(perOp);
        return perOp.get(perOp.size() / 2);
    }
}
