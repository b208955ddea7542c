package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A ROCKETMQ_HOME for one Apache 4.9.x server process, and what every such process needs.
 *
 * <p>4.9.x refuses to start without {@code $ROCKETMQ_HOME/conf/logback_namesrv.xml} (NameServer)
 * or {@code logback_broker.xml} (broker); a single file appender is enough. On JDK 17 it also needs
 * the {@link #JDK17_FLAGS}.
 */
final class ApacheHome {

    static final List<String> JDK17_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private ApacheHome() {}

    /** Creates {@code home/conf/<logbackName>} logging everything at INFO to {@code logFile}. */
    static void writeLogback(Path home, String logbackName, Path logFile) {
        String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{0} - %%msg%%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FILE"/></root>
        </configuration>
        """.formatted(logFile.toAbsolutePath());
        write(home.resolve("conf").resolve(logbackName), xml);
    }

    /** Writes a Java properties file (the format of namesrv.conf / broker.conf). */
    static void writeProperties(Path file, Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
                properties.store(out, "written by the RocketKube e2e test kit");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
