package io.rocketkube.operator.admin;

/** An admin call that failed or could not be answered; the message says which and where. */
public class BrokerAdminException extends Exception {

    public BrokerAdminException(String message) {
        super(message);
    }

    public BrokerAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
