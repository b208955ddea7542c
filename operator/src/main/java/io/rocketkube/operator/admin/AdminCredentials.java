package io.rocketkube.operator.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An admin account of a cluster's ACL file, which the operator signs its admin requests to that cluster's brokers
 * with (docs/acl.md).
 */
public record AdminCredentials(String accessKey, String secretKey) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The file's shape, as far as the operator needs it; the brokers validate the rest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record File(List<Account> accounts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Account(String accessKey, String secretKey, Boolean admin) {}

    /**
     * The admin account of a plain_acl.yml with the smallest access key: the same account a slave signs its
     * requests to its master with, so one account serves both.
     *
     * @return empty when the file has no admin account with both keys
     * @throws IOException if the bytes are not YAML of the file's shape
     */
    public static Optional<AdminCredentials> firstAdmin(byte[] aclFile) throws IOException {
        File file = YAML.readValue(aclFile, File.class);
        if (file == null || file.accounts() == null) {
            return Optional.empty();
        }
        return file.accounts().stream()
                .filter(a -> a != null && Boolean.TRUE.equals(a.admin()))
                .filter(a -> a.accessKey() != null && !a.accessKey().isBlank())
                .filter(a -> a.secretKey() != null && !a.secretKey().isBlank())
                .min(Comparator.comparing(Account::accessKey))
                .map(a -> new AdminCredentials(a.accessKey(), a.secretKey()));
    }

    /** Never the secret key: these end up in logs and events. */
    @Override
    public String toString() {
        return "AdminCredentials[accessKey=" + accessKey + "]";
    }
}
