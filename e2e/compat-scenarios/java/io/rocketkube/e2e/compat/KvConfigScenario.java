package io.rocketkube.e2e.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import java.util.Map;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KV config through the official admin API of the module's client line (PUT/GET/DELETE_KV_CONFIG,
 * GET_KVLIST_BY_NAMESPACE), and that it survives a restart of the NameServer on the same data dir.
 */
@Timeout(120)
public abstract class KvConfigScenario {

    private NameServerNode namesrv;

    protected abstract NamesrvKind namesrvKind();

    @BeforeEach
    void startNamesrv() {
        namesrv = namesrvKind().start("namesrv-kv");
    }

    @AfterEach
    void stopNamesrv() {
        namesrv.stop();
    }

    @Test
    void putGetListDeleteAndSurviveARestart() throws Exception {
        String ns = OfficialClients.unique("RK_NS");
        String other = OfficialClients.unique("RK_OTHER");
        DefaultMQAdminExt admin = OfficialClients.startAdmin(namesrv.address());
        try {
            admin.createAndUpdateKvConfig(ns, "alpha", "1");
            admin.createAndUpdateKvConfig(ns, "beta", "two;2:b");
            admin.createAndUpdateKvConfig(ns, "gamma", "3");
            admin.createAndUpdateKvConfig(other, "alpha", "other-1");
            admin.createAndUpdateKvConfig(ns, "alpha", "1-updated");
            admin.deleteKvConfig(ns, "gamma");

            assertThat(admin.getKVConfig(ns, "alpha")).isEqualTo("1-updated");
            assertThat(admin.getKVConfig(ns, "beta")).isEqualTo("two;2:b");
            assertThat(admin.getKVConfig(other, "alpha")).isEqualTo("other-1");
            assertNotFound(admin, ns, "gamma");
            assertThat(admin.getKVListByNamespace(ns).getTable())
                    .isEqualTo(Map.of("alpha", "1-updated", "beta", "two;2:b"));
            assertThatThrownBy(() -> admin.getKVListByNamespace(OfficialClients.unique("RK_EMPTY")))
                    .isInstanceOfSatisfying(
                            MQClientException.class,
                            e -> assertThat(e.getResponseCode()).isEqualTo(ClientLine.QUERY_NOT_FOUND));
        } finally {
            admin.shutdown();
        }

        long pidBefore = namesrv.process().pid();
        namesrv.stop();
        assertThat(namesrv.process().isAlive()).isFalse();
        namesrv.start();
        assertThat(namesrv.process().pid()).isNotEqualTo(pidBefore);

        DefaultMQAdminExt afterRestart = OfficialClients.startAdmin(namesrv.address());
        try {
            assertThat(afterRestart.getKVListByNamespace(ns).getTable())
                    .isEqualTo(Map.of("alpha", "1-updated", "beta", "two;2:b"));
            assertThat(afterRestart.getKVConfig(other, "alpha")).isEqualTo("other-1");
            assertNotFound(afterRestart, ns, "gamma");
        } finally {
            afterRestart.shutdown();
        }
    }

    private static void assertNotFound(DefaultMQAdminExt admin, String ns, String key) {
        assertThatThrownBy(() -> admin.getKVConfig(ns, key))
                .isInstanceOfSatisfying(
                        MQClientException.class,
                        e -> assertThat(e.getResponseCode()).isEqualTo(ClientLine.QUERY_NOT_FOUND));
    }
}
