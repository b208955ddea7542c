package io.rocketkube.e2e.testkit;

import java.util.Arrays;
import java.util.List;

/** The benchmarks' {@code --our-jvm} value: JVM options separated by commas. */
public final class JvmOptions {

    private JvmOptions() {}

    /**
     * Splits only at a comma that starts the next option ({@code ,-}), so one option may itself hold commas:
     * {@code -XX:StartFlightRecording=settings=profile,filename=/tmp/x.jfr,-Xlog:gc} is two options.
     */
    public static List<String> split(String value) {
        return value.isEmpty() ? List.of() : Arrays.asList(value.split(",(?=-)"));
    }
}
