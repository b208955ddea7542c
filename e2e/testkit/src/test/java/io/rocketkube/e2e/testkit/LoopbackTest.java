package io.rocketkube.e2e.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackTest {

    @Test
    void addressesAreDistinctLoopbackAddressesOutside127001() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String address = Loopback.newAddress();
            assertThat(address).startsWith("127.0.").doesNotStartWith("127.0.0.");
            assertThat(InetAddress.getByName(address).isLoopbackAddress()).isTrue();
            assertThat(seen.add(address)).isTrue();
        }
    }

    @Test
    void aPortInUseIsNotFreeAndIsNotHandedOut() throws Exception {
        String address = Loopback.newAddress();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            assertThat(Loopback.isFree(address, taken.getLocalPort())).isFalse();
        }
        int port = Loopback.freePort(address);
        assertThat(Loopback.isFree(address, port)).isTrue();
        assertThat(Loopback.freePort(address)).isNotEqualTo(port);
    }

    @Test
    void wildcardBlocksAreFreeAtEveryOffset() {
        int base = Loopback.freeWildcardPortBlock(-2, 0, 1);
        assertThat(Loopback.isFree(null, base - 2)).isTrue();
        assertThat(Loopback.isFree(null, base)).isTrue();
        assertThat(Loopback.isFree(null, base + 1)).isTrue();
    }
}
