package io.rocketkube.operator.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rocketkube.client.util.ParseErrors;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An admin account of a cluster's ACL file, which the operator signs its admin requests to that cluster's brokers
 * with (docs/acl.md).
 */
public record AdminCredentials(String accessKey, String secretKey) {

    /** The brokers' shortest key (RocketMQ's), for access and secret key alike. */
    static final int MIN_KEY_LENGTH = 6;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The file's shape, as far as the operator needs it; the brokers validate the rest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record File(List<Account> accounts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Account(String accessKey, String secretKey, Boolean admin) {
        @Override
        public String toString() {
            return "Account[" + accessKey + ", admin=" + admin + "]";
        }
    }

    /**
     * The admin account of a plain_acl.yml with the smallest access key: the same account a slave signs its
     * requests to its master with, so one account serves both.
     *
     * @return empty when the file has no admin account
     * @throws IOException if the bytes are not YAML of the file's shape, or hold an account the brokers refuse
     *     (keys shorter than 6 characters, white space in an access key, an access key twice): the brokers then
     *     refuse the whole file. The message never quotes the file.
     */
    public static Optional<AdminCredentials> signingAdmin(byte[] aclFile) throws IOException {
        File file;
        try {
            file = YAML.readValue(aclFile, File.class);
        } catch (JsonProcessingException e) {
            throw new IOException("not YAML of the ACL file's shape: " + ParseErrors.withoutContent(e));
        }
        if (file == null || file.accounts() == null) {
            return Optional.empty();
        }
        Set<String> seen = new HashSet<>();
        for (Account a : file.accounts()) {
            if (a == null
                    || a.accessKey() == null
                    || a.secretKey() == null
                    || a.accessKey().length() < MIN_KEY_LENGTH
                    || a.secretKey().length() < MIN_KEY_LENGTH
                    || a.accessKey().chars().anyMatch(Character::isWhitespace)) {
                throw new IOException("an account the brokers refuse: "
                        + (a == null || a.accessKey() == null ? "no accessKey" : "accessKey " + a.accessKey())
                        + " (both keys need " + MIN_KEY_LENGTH + " characters or more, the access key no white"
                        + " space)");
            }
            if (!seen.add(a.accessKey())) {
                throw new IOException("accessKey " + a.accessKey() + " is configured twice");
            }
        }
        return file.accounts().stream()
                .filter(a -> Boolean.TRUE.equals(a.admin()))
                .min(Comparator.comparing(Account::accessKey))
                .map(a -> new AdminCredentials(a.accessKey(), a.secretKey()));
    }

    /** Never the secret key: these end up in logs and events. */
    @Override
    public String toString() {
        return "AdminCredentials[accessKey=" + accessKey + "]";
    }
}
