package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Reads an enum value without failing on one it does not know: null instead. A value the CRD's
 * enum would refuse still reaches the operator when the API server does not validate (fabric8's
 * mock) or when the CRD is newer than the operator; failing the parse there would stop the watch
 * of every RocketCluster, or the operator's start. The operator's validation reports the null
 * field as InvalidSpec on that one object instead.
 */
final class LenientEnums {

    private LenientEnums() {}

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (wireName(type, constant).equals(value)) {
                return constant;
            }
        }
        return null;
    }

    private static <E extends Enum<E>> String wireName(Class<E> type, E constant) {
        try {
            JsonProperty property = type.getField(constant.name()).getAnnotation(JsonProperty.class);
            return property == null || property.value().isEmpty() ? constant.name() : property.value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
