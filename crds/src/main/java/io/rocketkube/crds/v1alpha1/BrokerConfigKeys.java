package io.rocketkube.crds.v1alpha1;

import java.util.List;
import java.util.Locale;

/**
 * The free-form broker config keys the operator owns, shared by the CRD's CEL rule and the
 * operator's own validation (clusters without CEL, and fabric8's mock, do not run the rule).
 */
public final class BrokerConfigKeys {

    /** Keys that the operator sets from the cluster's identity, ports and paths, and from broker.acl. */
    public static final List<String> OWNED = List.of(
            "cluster-name",
            "broker-name",
            "broker-id",
            "pod-name",
            "role",
            "flush-mode",
            "store-path",
            "host",
            "port",
            "ha-port",
            "namesrv-addr",
            "advertised-host",
            "acl-enable",
            "acl-file");

    /** Keys that have a typed field in {@link BrokerSettingsSpec}. */
    public static final List<String> TYPED = List.of(
            "auto-create-topic",
            "auto-create-subscription-group",
            "default-topic-queue-nums",
            "max-message-size",
            "file-reserved-hours",
            "commit-log-segment-size");

    /**
     * The broker's other settings (its BrokerConfig mapping less OWNED and TYPED): the only keys
     * broker.config may set. The operator's contract test keeps the three lists equal to the
     * broker's mapping, so a misspelt or removed key fails the build rather than the broker.
     */
    public static final List<String> TUNABLE = List.of(
            "send-on-io-thread",
            "register-interval",
            "offset-persist-interval",
            "client-idle-timeout",
            "shutdown-grace",
            "io-threads",
            "disk-max-used-space-ratio",
            "disk-space-clean-forcibly-ratio",
            "disk-space-warning-level-ratio",
            "max-transfer-count-on-message-in-memory",
            "max-transfer-bytes-on-message-in-memory",
            "max-transfer-count-on-message-in-disk",
            "max-transfer-bytes-on-message-in-disk",
            "access-message-in-memory-max-ratio",
            "physical-memory-bytes",
            "max-queued-request-bytes",
            "max-queued-request-bytes-per-connection",
            "max-held-pulls",
            "max-held-pulls-per-connection",
            "master-address",
            "slave-read-enable",
            "slave-sync-interval",
            "message-delay-level",
            "enable-property-filter",
            "transaction-timeout",
            "transaction-check-interval",
            "transaction-check-max",
            "master-ha-address",
            "slave-timeout",
            "ha-max-gap-not-in-sync",
            "ha-housekeeping-interval",
            "ha-heartbeat-interval",
            "ha-transfer-batch-size",
            "ha-max-pending-bytes-per-slave",
            "slave-ready-max-lag-bytes",
            "timer-wheel-enable",
            "timer-precision-ms",
            "timer-max-delay-sec",
            "recall-message-enable");

    /*
     * The deny rule iterates over its own constant list and looks each key up in the map, so that the API
     * server's cost estimate is a constant: a rule that iterates over the map's keys (self.all(k, ...)) is
     * estimated at the largest map a request could hold with the longest keys, which exceeds the CRD cost
     * budget, and the API server refuses the whole CRD. The shape of keys is checked by the operator
     * (SpecValidator, InvalidSpec) for the same reason.
     * Both spellings of every key, because CEL cannot convert camelCase to kebab-case.
     */
    static final String CEL_DENY_LIST = "["
            + "'cluster-name','clusterName','broker-name','brokerName','broker-id','brokerId',"
            + "'pod-name','podName','role','flush-mode','flushMode','store-path','storePath','host',"
            + "'port','ha-port','haPort','namesrv-addr','namesrvAddr','advertised-host','advertisedHost',"
            + "'acl-enable','aclEnable','acl-file','aclFile',"
            + "'auto-create-topic','autoCreateTopic','auto-create-subscription-group',"
            + "'autoCreateSubscriptionGroup','default-topic-queue-nums','defaultTopicQueueNums',"
            + "'max-message-size','maxMessageSize','file-reserved-hours','fileReservedHours',"
            + "'commit-log-segment-size','commitLogSegmentSize'].all(k, !(k in self))";
    static final String DENY_MESSAGE = "broker.config must not set keys the operator owns (cluster-name,"
            + " broker-name, broker-id, pod-name, role, flush-mode, store-path, host, port, ha-port,"
            + " namesrv-addr, advertised-host; acl-enable and acl-file come from broker.acl) or keys with a typed"
            + " field in broker.settings";

    private BrokerConfigKeys() {}

    /** camelCase or kebab-case to kebab-case: {@code sendThreadPoolNums} to {@code send-thread-pool-nums}. */
    public static String toKebab(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && out.charAt(out.length() - 1) != '-') {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** Whether the key, in either spelling, may not be set through broker.config. */
    public static boolean isDenied(String key) {
        String kebab = toKebab(key);
        return OWNED.contains(kebab) || TYPED.contains(kebab);
    }
}
