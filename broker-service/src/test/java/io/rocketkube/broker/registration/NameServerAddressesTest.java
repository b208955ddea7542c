package io.rocketkube.broker.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NameServerAddressesTest {
    private final Map<String, InetAddress[]> dns = new HashMap<>();

    private InetAddress[] lookup(String host) throws UnknownHostException {
        InetAddress[] answer = dns.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        return answer;
    }

    private static InetAddress ip(String text) throws UnknownHostException {
        return InetAddress.getByName(text);
    }

    @Test
    void aHeadlessServiceNameYieldsEveryPodAndIsReResolvedEachRound() throws Exception {
        NameServerAddresses addresses = new NameServerAddresses("namesrv.ns.svc:9876", this::lookup);
        dns.put("namesrv.ns.svc", new InetAddress[] {ip("10.0.0.1"), ip("10.0.0.2")});
        assertThat(addresses.resolve()).containsExactly("10.0.0.1:9876", "10.0.0.2:9876");

        dns.put("namesrv.ns.svc", new InetAddress[] {ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3")});
        assertThat(addresses.resolve()).containsExactly("10.0.0.1:9876", "10.0.0.2:9876", "10.0.0.3:9876");
    }

    @Test
    void staticListsAndUnresolvableHostsAreTolerated() throws Exception {
        dns.put("127.0.0.1", new InetAddress[] {ip("127.0.0.1")});
        NameServerAddresses addresses = new NameServerAddresses(" 127.0.0.1:9876 ; gone.example:9877;", this::lookup);
        assertThat(addresses.resolve()).containsExactly("127.0.0.1:9876");
        dns.put("gone.example", new InetAddress[] {ip("127.0.0.2")});
        assertThat(addresses.resolve()).containsExactly("127.0.0.1:9876", "127.0.0.2:9877");
    }

    @Test
    void malformedEntriesAreRefusedAtStart() {
        assertThatThrownBy(() -> new NameServerAddresses("host-without-port", this::lookup))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> new NameServerAddresses("host:abc", this::lookup))
                .hasMessageContaining("non-numeric");
    }
}
