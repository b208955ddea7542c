package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.acl.AclConfig;
import io.rocketkube.broker.acl.AclFile;
import io.rocketkube.broker.acl.AclService;
import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACL admin requests of RocketMQ 4.9 ({@code mqadmin updateAclConfig}, {@code deleteAclConfig},
 * {@code clusterAclConfigVersion}, {@code updateGlobalWhiteAddr}, {@code getAclConfig}), over the broker's
 * plain_acl.yml ({@link AclService}): UPDATE_AND_CREATE_ACL_CONFIG 50, DELETE_ACL_CONFIG 51,
 * GET_BROKER_CLUSTER_ACL_INFO 52, UPDATE_GLOBAL_WHITE_ADDRS_CONFIG 53, GET_BROKER_CLUSTER_ACL_CONFIG 54.
 *
 * <p>An edit is checked as a whole file before it is written, so one that would make the file invalid (a short
 * key, an unknown permission, a bad address pattern) is refused with the reason and nothing changes; a file that
 * cannot be written (a read-only Secret mount) is refused with that reason. Failures use RocketMQ's codes 209-211.
 * With the ACL off, every one of them is refused SYSTEM_ERROR saying so. Only admin accounts reach 50, 51, 53
 * and 54 ({@code AccessCheck}).
 */
public final class AclAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.UPDATE_AND_CREATE_ACL_CONFIG,
        RequestCode.DELETE_ACL_CONFIG,
        RequestCode.GET_BROKER_CLUSTER_ACL_INFO,
        RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG,
        RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG
    };
    private static final Logger LOG = LoggerFactory.getLogger(AclAdminProcessor.class);

    private final AclService acl;
    private final String clusterName;
    private final String brokerName;
    private final Supplier<String> brokerAddress;

    /** @param acl null when the ACL is off */
    public AclAdminProcessor(AclService acl, String clusterName, String brokerName, Supplier<String> brokerAddress) {
        this.acl = acl;
        this.clusterName = clusterName;
        this.brokerName = brokerName;
        this.brokerAddress = brokerAddress;
    }

    /** GetBrokerClusterAclConfigResponseBody: the file's content as the tools print it. */
    record ClusterAclConfig(List<String> globalWhiteAddrs, List<PlainAccessConfig> plainAccessConfigs) {}

    /** One account as RocketMQ's PlainAccessConfig: resources as lists of {@code name=PERM}. */
    record PlainAccessConfig(
            String accessKey,
            String secretKey,
            String whiteRemoteAddress,
            boolean admin,
            String defaultTopicPerm,
            String defaultGroupPerm,
            List<String> topicPerms,
            List<String> groupPerms) {}

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws IOException {
        if (acl == null) {
            return Responses.error(
                    request, ResponseCode.SYSTEM_ERROR, "The broker does not enable acl (acl-enable is false)");
        }
        HeaderFields h = HeaderFields.of(request);
        return switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_ACL_CONFIG -> upsert(request, h);
            case RequestCode.DELETE_ACL_CONFIG -> delete(request, h);
            case RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG -> globalWhite(request, h);
            case RequestCode.GET_BROKER_CLUSTER_ACL_INFO -> version(request);
            default -> config(request);
        };
    }

    private CompletableFuture<RemotingCommand> upsert(RemotingCommand request, HeaderFields h) {
        String accessKey = h.string("accessKey");
        AclFile.Account account = new AclFile.Account(
                accessKey,
                h.optionalString("secretKey"),
                h.optionalString("whiteRemoteAddress"),
                h.booleanValue("admin", false),
                h.optionalString("defaultTopicPerm"),
                h.optionalString("defaultGroupPerm"),
                split(h.optionalString("topicPerms")),
                split(h.optionalString("groupPerms")));
        try {
            acl.upsert(account);
            LOG.info("ACL account {} created or updated by an admin request", accessKey);
            return Responses.ok(request);
        } catch (IllegalArgumentException | IOException e) {
            return Responses.error(
                    request,
                    ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED,
                    "The accesskey[" + accessKey + "] corresponding to accessConfig has been updated failed: "
                            + e.getMessage());
        }
    }

    private CompletableFuture<RemotingCommand> delete(RemotingCommand request, HeaderFields h) {
        String accessKey = h.string("accessKey");
        try {
            if (acl.delete(accessKey)) {
                LOG.info("ACL account {} deleted by an admin request", accessKey);
                return Responses.ok(request);
            }
            return Responses.error(
                    request,
                    ResponseCode.DELETE_ACL_CONFIG_FAILED,
                    "The accesskey[" + accessKey + "] corresponding to accessConfig has been deleted failed: no"
                            + " such account");
        } catch (IllegalArgumentException | IOException e) {
            return Responses.error(
                    request,
                    ResponseCode.DELETE_ACL_CONFIG_FAILED,
                    "The accesskey[" + accessKey + "] corresponding to accessConfig has been deleted failed: "
                            + e.getMessage());
        }
    }

    private CompletableFuture<RemotingCommand> globalWhite(RemotingCommand request, HeaderFields h) {
        String addresses = h.string("globalWhiteAddrs");
        try {
            acl.replaceGlobalWhiteAddresses(split(addresses));
            LOG.info("ACL global white addresses set to [{}] by an admin request", addresses);
            return Responses.ok(request);
        } catch (IllegalArgumentException | IOException e) {
            return Responses.error(
                    request,
                    ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED,
                    "The globalWhiteAddresses[" + addresses + "] has been updated failed: " + e.getMessage());
        }
    }

    /** GetBrokerAclConfigResponseHeader: the version as DataVersion JSON, also per file. */
    private CompletableFuture<RemotingCommand> version(RemotingCommand request) {
        AclConfig config = acl.config();
        String version = json(new DataVersion(config.version(), config.loadedAt(), null));
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS)
                .withExtField("version", version)
                .withExtField("allAclFileVersion", "{" + json(acl.file().toString()) + ":" + version + "}")
                .withExtField("brokerName", brokerName)
                .withExtField("brokerAddr", brokerAddress.get())
                .withExtField("clusterName", clusterName));
    }

    private CompletableFuture<RemotingCommand> config(RemotingCommand request) throws IOException {
        AclFile.Document doc = AclFile.read(acl.file());
        List<PlainAccessConfig> accounts = doc.accounts().stream()
                .filter(a -> a != null)
                .map(a -> new PlainAccessConfig(
                        a.accessKey(),
                        a.secretKey(),
                        a.whiteRemoteAddress(),
                        Boolean.TRUE.equals(a.admin()),
                        a.defaultTopicPerm(),
                        a.defaultGroupPerm(),
                        a.topicPerms() == null ? List.of() : a.topicPerms(),
                        a.groupPerms() == null ? List.of() : a.groupPerms()))
                .toList();
        return Responses.json(request, new ClusterAclConfig(doc.globalWhiteRemoteAddresses(), accounts));
    }

    private static List<String> split(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String json(Object value) {
        return new String(RemotingJson.encode(value), java.nio.charset.StandardCharsets.UTF_8);
    }
}
