package io.rocketkube.store.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsAndReportsMissingAndCorruptFiles() throws Exception {
        Checkpoint cp = new Checkpoint(dir.resolve("checkpoint"));
        assertThat(cp.read()).isInstanceOf(Checkpoint.ReadResult.Missing.class);
        Checkpoint.Values v = new Checkpoint.Values(123456, 4096, 77);
        cp.write(v);
        assertThat(cp.read()).isEqualTo(new Checkpoint.ReadResult.Ok(v));

        byte[] bytes = Files.readAllBytes(dir.resolve("checkpoint"));
        bytes[Checkpoint.SAFE_OFFSET_OFFSET + 7] ^= 1;
        Files.write(dir.resolve("checkpoint"), bytes);
        assertThat(cp.read())
                .isInstanceOfSatisfying(
                        Checkpoint.ReadResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("CRC"));

        Files.write(dir.resolve("checkpoint"), new byte[5]);
        assertThat(cp.read()).isInstanceOf(Checkpoint.ReadResult.Corrupt.class);
        cp.write(v);
        assertThat(cp.read()).isEqualTo(new Checkpoint.ReadResult.Ok(v));
    }
}
