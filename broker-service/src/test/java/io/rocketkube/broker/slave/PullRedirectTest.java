package io.rocketkube.broker.slave;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import org.junit.jupiter.api.Test;

class PullRedirectTest {
    static final SubscriptionGroupConfig GROUP = SubscriptionGroupConfig.defaults("CG");
    static final SubscriptionGroupConfig SLOW_TO_2 =
            new SubscriptionGroupConfig("CG", true, true, true, 1, 16, 0, 2, true);

    @Test
    void aMasterWithoutSlaveReadsAlwaysSuggestsItself() {
        PullRedirect master = new PullRedirect(0, () -> false, () -> false);
        assertThat(master.advise(GROUP, true)).isEqualTo(new PullRedirect.Advice(0, false));
        assertThat(master.advise(GROUP, false)).isEqualTo(new PullRedirect.Advice(0, false));
        assertThat(PullRedirect.masterOnly().advise(GROUP, true)).isEqualTo(new PullRedirect.Advice(0, false));
    }

    @Test
    void aMasterWithSlaveReadsSendsASlowConsumerToTheGroupsSlowBroker() {
        PullRedirect master = new PullRedirect(0, () -> true, () -> false);
        assertThat(master.advise(GROUP, true)).isEqualTo(new PullRedirect.Advice(1, false));
        assertThat(master.advise(SLOW_TO_2, true)).isEqualTo(new PullRedirect.Advice(2, false));
        assertThat(master.advise(GROUP, false)).isEqualTo(new PullRedirect.Advice(0, false));
    }

    @Test
    void aSlaveSendsConsumersBackToALiveMasterAndKeepsThemWhileItIsGone() {
        PullRedirect withMaster = new PullRedirect(1, () -> false, () -> true);
        assertThat(withMaster.advise(GROUP, false)).isEqualTo(new PullRedirect.Advice(0, true));
        // Slow without slave reads: suggest the master, but serve what was found.
        assertThat(withMaster.advise(GROUP, true)).isEqualTo(new PullRedirect.Advice(0, false));

        PullRedirect masterGone = new PullRedirect(1, () -> false, () -> false);
        assertThat(masterGone.advise(GROUP, false)).isEqualTo(new PullRedirect.Advice(0, false));

        PullRedirect readsOn = new PullRedirect(1, () -> true, () -> true);
        assertThat(readsOn.advise(GROUP, true)).isEqualTo(new PullRedirect.Advice(1, false));
        assertThat(readsOn.advise(GROUP, false)).isEqualTo(new PullRedirect.Advice(0, true));
    }
}
