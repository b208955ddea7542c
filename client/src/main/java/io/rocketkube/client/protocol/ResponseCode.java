package io.rocketkube.client.protocol;

import io.rocketkube.client.remoting.TransportCodes;

/** Response codes of the remoting protocol (docs/protocol.md §2.1). */
public final class ResponseCode {
    public static final int SUCCESS = TransportCodes.SUCCESS;
    public static final int SYSTEM_ERROR = TransportCodes.SYSTEM_ERROR;
    public static final int SYSTEM_BUSY = TransportCodes.SYSTEM_BUSY;
    public static final int REQUEST_CODE_NOT_SUPPORTED = TransportCodes.REQUEST_CODE_NOT_SUPPORTED;
    public static final int TRANSACTION_FAILED = 4;
    public static final int FLUSH_DISK_TIMEOUT = 10;
    public static final int SLAVE_NOT_AVAILABLE = 11;
    public static final int FLUSH_SLAVE_TIMEOUT = 12;
    public static final int MESSAGE_ILLEGAL = 13;
    public static final int SERVICE_NOT_AVAILABLE = 14;
    public static final int VERSION_NOT_SUPPORTED = 15;
    public static final int NO_PERMISSION = 16;
    public static final int TOPIC_NOT_EXIST = 17;
    public static final int TOPIC_EXIST_ALREADY = 18;
    public static final int PULL_NOT_FOUND = 19;
    public static final int PULL_RETRY_IMMEDIATELY = 20;
    public static final int PULL_OFFSET_MOVED = 21;
    public static final int QUERY_NOT_FOUND = 22;
    public static final int SUBSCRIPTION_PARSE_FAILED = 23;
    public static final int SUBSCRIPTION_NOT_EXIST = 24;
    public static final int SUBSCRIPTION_NOT_LATEST = 25;
    public static final int SUBSCRIPTION_GROUP_NOT_EXIST = 26;
    public static final int FILTER_DATA_NOT_EXIST = 27;
    public static final int FILTER_DATA_NOT_LATEST = 28;
    public static final int INVALID_PARAMETER = 29;
    public static final int TRANSACTION_SHOULD_COMMIT = 200;
    public static final int TRANSACTION_SHOULD_ROLLBACK = 201;
    public static final int TRANSACTION_STATE_UNKNOW = 202;
    public static final int TRANSACTION_STATE_GROUP_WRONG = 203;
    public static final int CONSUMER_NOT_ONLINE = 206;
    public static final int CONSUME_MSG_TIMEOUT = 207;
    public static final int NO_MESSAGE = 208;
    public static final int UPDATE_AND_CREATE_ACL_CONFIG_FAILED = 209;
    public static final int DELETE_ACL_CONFIG_FAILED = 210;
    public static final int UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED = 211;
    public static final int FLOW_CONTROL = 215;
    /** 5.x: a request that names something this broker will not act on (a recall handle of another topic). */
    public static final int ILLEGAL_OPERATION = 604;

    private ResponseCode() {}
}
