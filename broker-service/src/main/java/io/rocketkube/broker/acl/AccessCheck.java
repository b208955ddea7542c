package io.rocketkube.broker.acl;

import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.AclSignature;
import io.rocketkube.client.remoting.RemotingCommand;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one request against one {@link AclConfig}, in RocketMQ 4.9's order ({@code PlainPermissionManager
 * .validate}):
 *
 * <ol>
 *   <li>a client whose IP a {@code globalWhiteRemoteAddresses} pattern matches passes;
 *   <li>otherwise the request must name an access key the file has ("No accessKey is configured", "No acl config
 *       for &lt;key&gt;");
 *   <li>a client whose IP the account's {@code whiteRemoteAddress} matches passes;
 *   <li>the signature must be RocketMQ's ({@link AclSignature}) ("Check
 *       signature failed for accessKey=&lt;key&gt;");
 *   <li>a send to {@code RMQ_SYS_TRACE_TOPIC} passes (message traces are written with the sender's keys);
 *   <li>the admin-only codes need an admin account; then each topic and group the request names must be granted
 *       by the account's own entry or its default ("No default permission for topic:T" / "group:G").
 * </ol>
 *
 * <p>Admin-only: RocketMQ's five (create or delete a topic or a subscription group, update the broker config) and,
 * here also, the ACL requests that change the file or show its secret keys (50, 51, 53, 54) and the resume of a
 * discarded transaction half (323, which re-opens another producer's transaction), which RocketMQ 4.9 leaves to any
 * account with a valid signature.
 *
 * <p>Stateless; thread-safe.
 */
public final class AccessCheck {
    static final Set<Integer> ADMIN_CODES = Set.of(
            RequestCode.UPDATE_AND_CREATE_TOPIC,
            RequestCode.UPDATE_BROKER_CONFIG,
            RequestCode.DELETE_TOPIC_IN_BROKER,
            RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
            RequestCode.DELETE_SUBSCRIPTIONGROUP,
            RequestCode.RESUME_CHECK_HALF_MESSAGE,
            RequestCode.UPDATE_AND_CREATE_ACL_CONFIG,
            RequestCode.DELETE_ACL_CONFIG,
            RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG,
            RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG);

    private AccessCheck() {}

    /** Why {@code request} from {@code client} is refused, or empty if it may go on. */
    public static Optional<String> refusal(AclConfig config, RemotingCommand request, InetAddress client) {
        if (config.globallyWhite(client)) {
            return Optional.empty();
        }
        AccessRequest access;
        try {
            access = AccessRequest.of(request);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (access.accessKey() == null) {
            return Optional.of("No accessKey is configured");
        }
        Optional<AclAccount> found = config.account(access.accessKey());
        if (found.isEmpty()) {
            return Optional.of("No acl config for " + access.accessKey());
        }
        AclAccount account = found.get();
        if (account.whiteRemoteAddress().matches(client)) {
            return Optional.empty();
        }
        if (!signatureMatches(request, access.signature(), account.secretKey())) {
            return Optional.of("Check signature failed for accessKey=" + access.accessKey());
        }
        if (AclPermission.PUB == access.topics().getOrDefault(TopicNames.TRACE_TOPIC, (byte) 0)) {
            return Optional.empty();
        }
        if (ADMIN_CODES.contains(access.code()) && !account.admin()) {
            return Optional.of("Need admin permission for request code=" + access.code() + ", but accessKey="
                    + access.accessKey() + " is not");
        }
        if (account.admin()
                && account.topicPerms().isEmpty()
                && account.groupPerms().isEmpty()) {
            // RocketMQ: an admin with no resource entries may use every topic and group.
            return Optional.empty();
        }
        for (Map.Entry<String, Byte> topic : access.topics().entrySet()) {
            if (!AclPermission.grants(account.topicPerm(topic.getKey()), topic.getValue())) {
                return Optional.of("No default permission for topic:" + topic.getKey());
            }
        }
        for (Map.Entry<String, Byte> group : access.groups().entrySet()) {
            if (!AclPermission.grants(account.groupPerm(group.getKey()), group.getValue())) {
                return Optional.of("No default permission for group:" + group.getKey());
            }
        }
        return Optional.empty();
    }

    private static boolean signatureMatches(RemotingCommand request, String signature, String secretKey) {
        if (signature == null) {
            return false;
        }
        // Constant time: a refusal must not tell how much of a guessed signature was right.
        return MessageDigest.isEqual(
                AclSignature.of(request, secretKey).getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8));
    }
}
