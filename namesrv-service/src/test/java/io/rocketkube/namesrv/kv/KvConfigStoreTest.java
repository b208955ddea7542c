package io.rocketkube.namesrv.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.file.ChecksummedFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvConfigStoreTest {

    @TempDir
    Path dir;

    /** Versions without the bounds wrote names longer than the JSON reader's default limit (50,000). */
    @Test
    void aTableWrittenBeforeTheBoundsStillLoads() throws Exception {
        String longKey = "K".repeat(50_001);
        new ChecksummedFile(dir.resolve(KvConfigStore.FILE_NAME), KvConfigStore.MAGIC, KvConfigStore.FORMAT_VERSION)
                .write(RemotingJson.encode(Map.of("NS", Map.of(longKey, "v", "short", "w"))));

        KvConfigStore store = new KvConfigStore(dir);
        store.load();

        assertThat(store.get("NS", longKey)).contains("v");
        assertThat(store.get("NS", "short")).contains("w");
    }
}
