package io.rocketkube.store.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs fio jobs on the benchmark's disk and reads their write bandwidth and IOPS. */
final class Fio {

    record Result(String name, double mbPerSec, double iops) {}

    private Fio() {}

    static Result run(Path dir, String name, String... options) throws IOException, InterruptedException {
        Path file = dir.resolve("fio-" + name + ".dat");
        List<String> cmd = new ArrayList<>(List.of(
                "fio",
                "--name=" + name,
                "--filename=" + file,
                "--output-format=json",
                "--rw=write",
                "--ioengine=psync"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        Files.deleteIfExists(file);
        if (rc != 0) {
            throw new IOException("fio " + name + " exited with " + rc);
        }
        JsonNode write = new ObjectMapper().readTree(out).path("jobs").get(0).path("write");
        return new Result(
                name,
                write.path("bw_bytes").asDouble() / 1e6,
                write.path("iops").asDouble());
    }
}
