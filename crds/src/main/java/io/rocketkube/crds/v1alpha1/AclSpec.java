package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The brokers' access control: RocketMQ 4.9's plain_acl.yml, kept in a Secret of the cluster's namespace. Every
 * broker mounts it read-only and re-reads it when the Secret changes; the operator signs its own admin requests
 * with the file's admin account of the smallest access key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class AclSpec extends SpecObject {

    /** The key the file is read from when {@code key} is not set: RocketMQ's file name. */
    public static final String DEFAULT_KEY = "plain_acl.yml";
    /** A Secret data key, as Kubernetes allows them (and not {@code .} or {@code ..}, checked apart). */
    public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";
    /** A DNS subdomain, as Kubernetes names Secrets. */
    public static final String SECRET_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @Required
    @Size(max = 253)
    @Pattern(SECRET_NAME)
    @JsonPropertyDescription("Name of the Secret, in the cluster's namespace, that holds the ACL file."
            + " Brokers do not start until it exists. Changing its content needs no restart: each broker"
            + " re-reads the file within seconds, and the operator picks up new admin keys at its next"
            + " reconcile.")
    private String secretName;

    @Default(DEFAULT_KEY)
    @Size(max = 253)
    @Pattern(SECRET_KEY)
    @ValidationRule(value = "self != '.' && self != '..'", message = "acl.key must be a file name, not . or ..")
    @JsonPropertyDescription("Key of the Secret whose value is the ACL file (RocketMQ's plain_acl.yml"
            + " format). It should have an account with admin: true: the operator signs its admin requests"
            + " with the one of the smallest access key (otherwise the operator's address must be in"
            + " globalWhiteRemoteAddresses)."
            + " Default plain_acl.yml.")
    private String key = DEFAULT_KEY;

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
