package io.rocketkube.client.protocol;

import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestRejectedException;

/**
 * Typed access to a request's ext fields. A missing mandatory field or a malformed number is answered with
 * SYSTEM_ERROR and the reference's wording, before anything of the request is applied.
 */
public final class HeaderFields {
    private final RemotingCommand command;

    private HeaderFields(RemotingCommand command) {
        this.command = command;
    }

    public static HeaderFields of(RemotingCommand command) {
        return new HeaderFields(command);
    }

    public String string(String name) {
        String value = command.extField(name);
        if (value == null) {
            throw new RequestRejectedException(ResponseCode.SYSTEM_ERROR, "the custom field <" + name + "> is null");
        }
        return value;
    }

    public String optionalString(String name) {
        return command.extField(name);
    }

    public long longValue(String name) {
        return parseLong(name, string(name));
    }

    public int intValue(String name) {
        return parseInt(name, string(name));
    }

    public Long optionalLong(String name) {
        String value = command.extField(name);
        return value == null ? null : parseLong(name, value);
    }

    public Integer optionalInt(String name) {
        String value = command.extField(name);
        return value == null ? null : parseInt(name, value);
    }

    public int intValue(String name, int defaultValue) {
        Integer value = optionalInt(name);
        return value == null ? defaultValue : value;
    }

    public boolean booleanValue(String name, boolean defaultValue) {
        String value = command.extField(name);
        return value == null ? defaultValue : Boolean.parseBoolean(value.trim());
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR, "the custom field <" + name + "> is not a number: " + value);
        }
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR, "the custom field <" + name + "> is not an integer: " + value);
        }
    }
}
