package io.rocketkube.broker.acl;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One read of plain_acl.yml: the addresses let in without an account, and the accounts by access key. Immutable,
 * so a reload swaps it whole and a request is checked against one version.
 *
 * @param version counts the reads that changed something, for {@code mqadmin clusterAclConfigVersion}
 * @param loadedAt when this version was read (epoch ms)
 */
public record AclConfig(
        List<RemoteAddressPattern> globalWhiteRemoteAddresses,
        Map<String, AclAccount> accounts,
        long version,
        long loadedAt) {
    public AclConfig {
        globalWhiteRemoteAddresses = List.copyOf(globalWhiteRemoteAddresses);
        accounts = Map.copyOf(accounts);
    }

    boolean globallyWhite(InetAddress address) {
        for (RemoteAddressPattern pattern : globalWhiteRemoteAddresses) {
            if (pattern.matches(address)) {
                return true;
            }
        }
        return false;
    }

    Optional<AclAccount> account(String accessKey) {
        return Optional.ofNullable(accessKey == null ? null : accounts.get(accessKey));
    }

    /** The same content as a later version. */
    AclConfig withVersion(long newVersion, long now) {
        return new AclConfig(globalWhiteRemoteAddresses, accounts, newVersion, now);
    }
}
