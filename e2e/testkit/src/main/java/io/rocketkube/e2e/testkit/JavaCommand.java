package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line of a child JVM: the same {@code java} that runs this JVM, JVM options,
 * {@code -Dkey=value} system properties, then either {@code -cp CLASSPATH MAIN} or {@code -jar JAR},
 * then program arguments. Not thread-safe (a builder).
 */
public final class JavaCommand {

    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private String classpath;
    private String mainClass;
    private Path jar;

    public static JavaCommand mainClass(String classpath, String mainClass) {
        JavaCommand command = new JavaCommand();
        command.classpath = classpath;
        command.mainClass = mainClass;
        return command;
    }

    public static JavaCommand jar(Path jar) {
        JavaCommand command = new JavaCommand();
        command.jar = jar;
        return command;
    }

    public JavaCommand jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public JavaCommand systemProperty(String key, Object value) {
        systemProperties.put(key, String.valueOf(value));
        return this;
    }

    public JavaCommand systemProperties(Map<String, String> properties) {
        systemProperties.putAll(properties);
        return this;
    }

    public JavaCommand arguments(String... args) {
        arguments.addAll(List.of(args));
        return this;
    }

    public List<String> toList() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (jar != null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
        }
        command.addAll(arguments);
        return command;
    }
}
