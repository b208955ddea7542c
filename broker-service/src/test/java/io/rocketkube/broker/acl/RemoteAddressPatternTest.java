package io.rocketkube.broker.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RocketMQ 4.9's remote address forms, and the permission and file rules around them (pure logic). */
class RemoteAddressPatternTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "*|10.1.2.3|true",
                "*.*.*.*|192.168.9.9|true",
                "''|127.0.0.1|false",
                "192.168.0.1|192.168.0.1|true",
                "192.168.0.1|192.168.0.2|false",
                "192.168.0.1,10.0.0.1|10.0.0.1|true",
                "192.168.0.{1,2,3}|192.168.0.3|true",
                "192.168.0.{1,2,3}|192.168.0.4|false",
                "192.168.*.*|192.168.200.1|true",
                "192.168.*|192.168.7.7|true",
                "192.168.*|192.169.7.7|false",
                "192.168.1.10-20|192.168.1.20|true",
                "192.168.1.10-20|192.168.1.21|false",
                "10.*.1-2.*|10.9.2.200|true",
                "::1|::1|true",
                "::1|0:0:0:0:0:0:0:1|true",
                "::1|127.0.0.1|false"
            })
    void matchesAsRocketMqReadsIt(String pattern, String client, boolean expected) throws Exception {
        assertThat(RemoteAddressPattern.parse(pattern).matches(InetAddress.getByName(client)))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "example.com",
                "192.168.0.256",
                "192.168.0",
                "192.168.1.20-10",
                "1.2.3.4.5",
                "192.168.{1,x}",
                "10.-1.*"
            })
    void anythingElseIsRefusedNamingIt(String pattern) {
        assertThatThrownBy(() -> RemoteAddressPattern.parse(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pattern);
    }

    @Test
    void aDeniedPermissionGrantsNothingAndAnyNeedsPubOrSub() {
        assertThat(AclPermission.grants(AclPermission.DENY, AclPermission.PUB)).isFalse();
        assertThat(AclPermission.grants(AclPermission.parse("PUB|SUB"), AclPermission.SUB))
                .isTrue();
        assertThat(AclPermission.grants(AclPermission.parse("SUB"), AclPermission.PUB))
                .isFalse();
        assertThat(AclPermission.grants(AclPermission.parse("PUB"), AclPermission.ANY))
                .isTrue();
        assertThat(AclPermission.format(AclPermission.parse("SUB|PUB"))).isEqualTo("PUB|SUB");
        assertThatThrownBy(() -> AclPermission.parse("READ")).hasMessageContaining("READ");
    }

    @Test
    void aFileWithAShortOrRepeatedKeyOrABadResourceIsRefusedWhole() {
        AclFile.Account good = new AclFile.Account("goodKey1", "goodSecret", null, false, "SUB", null, null, null);
        assertThat(AclFile.validate(new AclFile.Document(List.of(), List.of(good)), 1, 0)
                        .accounts())
                .containsOnlyKeys("goodKey1");
        AclFile.Account shortKey = new AclFile.Account("short", "goodSecret", null, false, null, null, null, null);
        AclFile.Account badResource =
                new AclFile.Account("otherKey", "goodSecret", null, false, null, null, List.of("topicA"), null);
        assertThatThrownBy(() -> AclFile.validate(new AclFile.Document(List.of(), List.of(good, shortKey)), 1, 0))
                .hasMessageContaining("short");
        assertThatThrownBy(() -> AclFile.validate(new AclFile.Document(List.of(), List.of(good, good)), 1, 0))
                .hasMessageContaining("configured twice");
        assertThatThrownBy(() -> AclFile.validate(new AclFile.Document(List.of(), List.of(badResource)), 1, 0))
                .hasMessageContaining("topic:topicA");
        assertThatThrownBy(() -> AclFile.validate(new AclFile.Document(List.of("host.example"), List.of()), 1, 0))
                .hasMessageContaining("host.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"just-a-s3cr3t", "accounts: [\"rkUser0001:s3cr3t\"]", "accounts: [oops s3cr3t"})
    void aFileThatDoesNotParseIsRefusedWithoutQuotingIt(String content) {
        assertThatThrownBy(() -> AclFile.parse(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("not YAML of the ACL file's shape: ")
                .hasMessageNotContaining("s3cr3t");
    }
}
