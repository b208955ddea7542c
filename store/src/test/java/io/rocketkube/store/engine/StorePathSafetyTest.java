package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.queue.ConsumeQueueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's own wall against topic names that are paths (issue 16): whatever the broker lets
 * through, no file outside the store root is created or deleted, and no store file is deleted by name.
 * The store lives in {@code <tmp>/store}; {@code <tmp>/config/topics.rkc} plays the broker's topic table.
 */
class StorePathSafetyTest {

    @TempDir
    Path tmp;

    Path storeDir;
    Path topicsTable;

    @BeforeEach
    void layout() throws IOException {
        storeDir = tmp.resolve("store");
        topicsTable = tmp.resolve("config").resolve("topics.rkc");
        Files.createDirectories(topicsTable.getParent());
        Files.writeString(topicsTable, "{\"topics\":[]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "x/../../..", "..", ".", "a\\b", "a\0b", ""})
    void appendsWithAPathTopicAreRefusedAndCreateNothing(String topic) throws IOException {
        List<Path> before = tree(tmp);
        try (DefaultMessageStore store = SmallStores.started(storeDir)) {
            List<Path> opened = outsideOrQueues(tree(tmp));
            PutResult r = store.put(message(topic, 0, "evil")).join();
            assertThat(r.status()).isEqualTo(PutStatus.MESSAGE_ILLEGAL);
            assertThat(r.errorMessage()).contains("not a safe store name");
            store.flush();
            assertThat(outsideOrQueues(tree(tmp))).isEqualTo(opened);
        }
        assertThat(tree(tmp)).filteredOn(p -> !p.startsWith(storeDir)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "x/../../..", "..", "../../config", "%RETRY%x/../../.."})
    void dispatchToAPathTopicCreatesNothingOutsideTheRoot(String topic) throws IOException {
        Path root = storeDir.resolve("consumequeue");
        ConsumeQueueSet queues = ConsumeQueueSet.open(root, 64);
        try {
            List<Path> before = tree(tmp);
            assertThatThrownBy(() -> queues.getOrCreate(topic, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(tree(tmp)).isEqualTo(before);
            assertThat(queues.topics()).isEmpty();
        } finally {
            queues.close();
        }
    }

    @Test
    void negativeQueueIdCreatesNoDirectory() throws IOException {
        ConsumeQueueSet queues = ConsumeQueueSet.open(storeDir.resolve("consumequeue"), 64);
        try {
            List<Path> before = tree(tmp);
            assertThatThrownBy(() -> queues.getOrCreate("T", -1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(tree(tmp)).isEqualTo(before);
        } finally {
            queues.close();
        }
    }

    @Test
    void deleteTopicCannotReachTheBrokersTopicTable() {
        try (DefaultMessageStore store = SmallStores.started(storeDir)) {
            assertThatThrownBy(() -> store.deleteTopic("../../config/topics.rkc"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unsafe store name");
        }
        assertThat(topicsTable).exists().hasContent("{\"topics\":[]}");
    }

    @Test
    void deleteTopicCannotDeleteACommitLogSegment() {
        try (DefaultMessageStore store = SmallStores.started(storeDir)) {
            PutResult stored = store.put(message("T", 0, "keep me")).join();
            assertThat(stored.isOk()).isTrue();
            store.flush();
            Path segment = storeDir.resolve("commitlog").resolve(SegmentFile.fileName(0));
            assertThat(segment).exists();

            assertThatThrownBy(() -> store.deleteTopic("../commitlog/" + SegmentFile.fileName(0)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.deleteTopic("../commitlog")).isInstanceOf(IllegalArgumentException.class);

            assertThat(segment).exists();
            assertThat(store.lookMessageByPhysicalOffset(stored.firstPhysicalOffset()))
                    .isPresent();
            assertThat(store.maxOffset("T", 0)).isEqualTo(1);
        }
    }

    /** Paths outside the store, and the ConsumeQueue tree (the store's own files may change on flush). */
    private List<Path> outsideOrQueues(List<Path> paths) {
        return paths.stream()
                .filter(p -> !p.startsWith(storeDir) || p.startsWith(storeDir.resolve("consumequeue")))
                .toList();
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.getFileName().toString().equals("lock"))
                    .sorted()
                    .toList();
        }
    }
}
