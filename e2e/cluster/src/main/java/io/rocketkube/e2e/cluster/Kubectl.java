package io.rocketkube.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code kubectl} (default {@code /usr/bin/kubectl}, or {@code $KUBECTL}) against the
 * stand-in's kubeconfig. Every mutating command gets {@code --validate=false}: the stand-in serves
 * no OpenAPI. Output and exit code are returned, never thrown; {@link Result#orThrow} for callers
 * that need success.
 */
public final class Kubectl {

    /** What one command did. */
    public record Result(int exitCode, String output, List<String> command) {
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private final Path kubeconfig;
    private final String binary;

    public Kubectl(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
        String configured = System.getenv("KUBECTL");
        this.binary = configured == null || configured.isBlank() ? "/usr/bin/kubectl" : configured;
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        if (List.of(args).contains("apply") || List.of(args).contains("create")) {
            command.add("--validate=false");
        }
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8) + "\n(timed out)", command);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
