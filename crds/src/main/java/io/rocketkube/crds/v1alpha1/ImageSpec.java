package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.ArrayList;
import java.util.List;

/** Image coordinates shared by the NameServer and broker images. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Unknown fields are collected, not fatal: see SpecObject.
public class ImageSpec extends SpecObject {

    @Pattern("^[a-z0-9][a-z0-9._:/-]*[a-z0-9]$")
    @JsonPropertyDescription("Image repository prefix. The NameServer image is"
            + " <repository>/rocketkube-namesrv:<version> and the broker image"
            + " <repository>/rocketkube-broker:<version>. Defaults to the operator's setting.")
    private String repository;

    @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never. Defaults to" + " IfNotPresent.")
    private PullPolicy pullPolicy;

    @JsonPropertyDescription("Secrets holding registry credentials, by name, in the cluster's" + " namespace.")
    private List<LocalObjectReference> pullSecrets = new ArrayList<>();

    public String getRepository() {
        return repository;
    }

    public void setRepository(String repository) {
        this.repository = repository;
    }

    public PullPolicy getPullPolicy() {
        return pullPolicy;
    }

    public void setPullPolicy(PullPolicy pullPolicy) {
        this.pullPolicy = pullPolicy;
    }

    public List<LocalObjectReference> getPullSecrets() {
        return pullSecrets;
    }

    public void setPullSecrets(List<LocalObjectReference> pullSecrets) {
        this.pullSecrets = pullSecrets;
    }

    /** Kubernetes' image pull policies. */
    public enum PullPolicy {
        Always,
        IfNotPresent,
        Never;

        /** Unknown values read as null; see {@link LenientEnums}. */
        @JsonCreator
        public static PullPolicy of(String value) {
            return LenientEnums.parse(PullPolicy.class, value);
        }
    }
}
