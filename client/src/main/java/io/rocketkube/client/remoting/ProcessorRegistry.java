package io.rocketkube.client.remoting;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * Request code → processor and the executor it runs on. Separate executors keep a slow family (a send
 * waiting on the disk) from starving another (heartbeats). Registered before the endpoint starts.
 */
public final class ProcessorRegistry {
    /** A processor bound to its executor. */
    public record Registration(RequestProcessor processor, ExecutorService executor) {}

    private final Map<Integer, Registration> byCode = new ConcurrentHashMap<>();

    public ProcessorRegistry register(int code, RequestProcessor processor, ExecutorService executor) {
        Registration previous = byCode.putIfAbsent(code, new Registration(processor, executor));
        if (previous != null) {
            throw new IllegalStateException("request code " + code + " already has a processor");
        }
        return this;
    }

    public ProcessorRegistry register(int[] codes, RequestProcessor processor, ExecutorService executor) {
        for (int code : codes) {
            register(code, processor, executor);
        }
        return this;
    }

    /**
     * A registry with the same codes and executors, each processor wrapped by {@code guard} (a check every request
     * must pass first, such as an access control list). Register everything before calling it.
     */
    public ProcessorRegistry guardedBy(UnaryOperator<RequestProcessor> guard) {
        ProcessorRegistry guarded = new ProcessorRegistry();
        byCode.forEach(
                (code, r) -> guarded.byCode.put(code, new Registration(guard.apply(r.processor()), r.executor())));
        return guarded;
    }

    /** Null when no processor serves the code. */
    public Registration lookup(int code) {
        return byCode.get(code);
    }
}
