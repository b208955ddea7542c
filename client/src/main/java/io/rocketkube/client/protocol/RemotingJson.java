package io.rocketkube.client.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.io.IOException;

/**
 * JSON bodies as the fastjson peers write and read them (docs/protocol.md §3.1): keys sorted, nulls
 * omitted, unknown properties ignored, map keys always quoted (fastjson parses {@code {"0":..}} into a Long
 * key), and unquoted field names accepted for bodies that old peers write.
 */
public final class RemotingJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private RemotingJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a request body; a body that does not parse is the sender's fault and answered as such. */
    public static <T> T decode(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR, "request body missing, expected " + type.getSimpleName());
        }
        T value;
        try {
            value = MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR,
                    "request body is not a valid " + type.getSimpleName() + ": "
                            + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (value == null) {
            // The JSON literal null: a processor would otherwise fail on it with a NullPointerException.
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR, "request body is null, expected " + type.getSimpleName());
        }
        return value;
    }
}
