package io.rocketkube.client.remoting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The JSON header form (serialize type 0): a UTF-8 object with the keys {@code code, extFields, flag,
 * language, opaque, remark, serializeTypeCurrentRPC, version}, written in that (fastjson's alphabetical)
 * order. Every ext value is written as a string; on reading, numbers and booleans are accepted too, and
 * unknown keys are skipped, because the reference parser is that lenient.
 *
 * <p>This runs twice per request on an I/O thread, so each direction has a hand-written fast path for the
 * shape every peer sends ({@link JsonHeaderWriter}, {@link JsonHeaderReader}), and Jackson's streaming API
 * (rather than data binding, which costs an allocation per field) for the rest: a header with non-ASCII text,
 * or one in a shape the fast reader does not take, and every malformed header, whose errors are Jackson's.
 */
final class JsonHeaderCodec {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonHeaderCodec() {}

    /** Appends the header to {@code out}. */
    static void encode(RemotingCommand command, ByteBuf out) {
        if (!JsonHeaderWriter.write(command, out)) {
            encodeWithJackson(command, out);
        }
    }

    /** Jackson's rendering, which {@link JsonHeaderWriter} reproduces for ASCII headers. */
    static void encodeWithJackson(RemotingCommand command, ByteBuf buffer) {
        try (JsonGenerator json = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buffer))) {
            json.writeStartObject();
            json.writeNumberField("code", command.code());
            Map<String, String> ext = command.rawExtFields();
            if (ext != null) {
                json.writeObjectFieldStart("extFields");
                for (Map.Entry<String, String> field : ext.entrySet()) {
                    if (field.getKey() != null && field.getValue() != null) {
                        json.writeStringField(field.getKey(), field.getValue());
                    }
                }
                json.writeEndObject();
            }
            json.writeNumberField("flag", command.flag());
            json.writeStringField("language", command.language().name());
            json.writeNumberField("opaque", command.opaque());
            if (command.remark() != null) {
                json.writeStringField("remark", command.remark());
            }
            json.writeStringField("serializeTypeCurrentRPC", SerializeType.JSON.name());
            json.writeNumberField("version", command.version());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a JSON header to memory", e);
        }
    }

    static RemotingCommand decode(byte[] header, int offset, int length) {
        RemotingCommand fast = JsonHeaderReader.read(header, offset, length);
        return fast != null ? fast : decodeWithJackson(header, offset, length);
    }

    /** The lenient reference reading; also the fallback of {@link JsonHeaderReader}. */
    static RemotingCommand decodeWithJackson(byte[] header, int offset, int length) {
        int code = 0;
        int version = 0;
        int opaque = 0;
        int flag = 0;
        String remark = null;
        LanguageCode language = LanguageCode.JAVA;
        Map<String, String> extFields = null;
        boolean sawCode = false;
        try (JsonParser json = FACTORY.createParser(header, offset, length)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedFrameException("JSON header is not an object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                switch (name) {
                    case "code" -> {
                        code = intValue(json, value, name);
                        sawCode = true;
                    }
                    case "version" -> version = intValue(json, value, name);
                    case "opaque" -> opaque = intValue(json, value, name);
                    case "flag" -> flag = intValue(json, value, name);
                    case "remark" -> remark = stringValue(json, value, name);
                    case "language" -> language = LanguageCode.ofName(stringValue(json, value, name));
                    case "extFields" -> extFields = readExtFields(json, value);
                    default -> json.skipChildren();
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT) {
                throw new MalformedFrameException("JSON header is not a complete object");
            }
            if (json.nextToken() != null) {
                throw new MalformedFrameException("trailing bytes after the JSON header");
            }
        } catch (IOException e) {
            throw new MalformedFrameException(
                    "JSON header does not parse: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()),
                    e);
        }
        if (!sawCode) {
            throw new MalformedFrameException("JSON header has no code");
        }
        return RemotingCommand.decoded(code, language, version, opaque, flag, remark, extFields, SerializeType.JSON);
    }

    private static int intValue(JsonParser json, JsonToken token, String name) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return json.getIntValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Integer.parseInt(json.getText().trim());
            } catch (NumberFormatException e) {
                throw new MalformedFrameException("JSON header field " + name + " is not an integer");
            }
        }
        throw new MalformedFrameException("JSON header field " + name + " is not an integer");
    }

    /**
     * A scalar as text, null for null. An object or array is refused here: read as a string it would be
     * null, and the parser would go on to take its members for the header's own fields.
     */
    private static String stringValue(JsonParser json, JsonToken token, String name) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw new MalformedFrameException("JSON header field " + name + " is not a string");
        }
        return json.getText();
    }

    private static Map<String, String> readExtFields(JsonParser json, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return null;
        }
        if (start != JsonToken.START_OBJECT) {
            throw new MalformedFrameException("JSON header extFields is not an object");
        }
        Map<String, String> fields = new HashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            JsonToken value = json.nextToken();
            if (value.isScalarValue()) {
                if (value != JsonToken.VALUE_NULL) {
                    fields.put(key, json.getText());
                }
            } else {
                throw new MalformedFrameException("JSON header ext field " + key + " is not a scalar");
            }
        }
        return fields;
    }
}
