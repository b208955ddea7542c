package io.rocketkube.client.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.junit.jupiter.api.Test;

class PropertiesCodecTest {

    @Test
    void encodesWithoutTrailingSeparatorAndTheOfficialParserReadsIt() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("KEYS", "k1 k2");
        props.put("WAIT", "true");
        props.put("TAGS", "TagA");
        String s = PropertiesCodec.encode(props);
        assertThat(s).isEqualTo("KEYS\u0001k1 k2\u0002WAIT\u0001true\u0002TAGS\u0001TagA");
        assertThat(MessageDecoder.string2messageProperties(s)).isEqualTo(props);
    }

    @Test
    void decodeAcceptsTheTrailingSeparatorOf5xWriters() {
        assertThat(PropertiesCodec.decode("KEYS\u0001k1\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002"))
                .containsExactly(Map.entry("KEYS", "k1"), Map.entry("WAIT", "true"), Map.entry("TAGS", "TagA"));
    }

    @Test
    void decodeSkipsSegmentsTheReferenceParserSkips() {
        assertThat(PropertiesCodec.decode("\u0001x\u0002ab\u0002k\u0001\u0002ok\u0001v\u0002\u0002"))
                .containsExactly(Map.entry("ok", "v"));
        assertThat(PropertiesCodec.decode("")).isEmpty();
        assertThat(PropertiesCodec.decode(null)).isEmpty();
    }

    @Test
    void decodeAgreesWithTheOfficialParserOnRandomStrings() {
        Random r = new Random(7);
        char[] alphabet = {'a', 'b', ' ', '\u0001', '\u0002', '='};
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(30);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet[r.nextInt(alphabet.length)]);
            }
            String s = sb.toString();
            assertThat(PropertiesCodec.decode(s))
                    .as("decode of %s", s.replace('\u0001', '^').replace('\u0002', '|'))
                    .isEqualTo(MessageDecoder.string2messageProperties(s));
        }
    }

    @Test
    void findReturnsTheLastValueWithoutBuildingAMap() {
        String s = "TAGS\u0001a\u0002KEYS\u0001x y\u0002TAGS\u0001b\u0002";
        assertThat(PropertiesCodec.find(s, "TAGS")).isEqualTo("b");
        assertThat(PropertiesCodec.find(s, "KEYS")).isEqualTo("x y");
        assertThat(PropertiesCodec.find(s, "KEY")).isNull();
        assertThat(PropertiesCodec.find("", "TAGS")).isNull();
    }

    @Test
    void concatInsertsASeparatorOnlyWhenNeeded() {
        assertThat(PropertiesCodec.concat("a\u0001b", "c\u0001d")).isEqualTo("a\u0001b\u0002c\u0001d");
        assertThat(PropertiesCodec.concat("a\u0001b\u0002", "c\u0001d")).isEqualTo("a\u0001b\u0002c\u0001d");
        assertThat(PropertiesCodec.concat("", "c\u0001d")).isEqualTo("c\u0001d");
    }

    @Test
    void encodeRefusesSeparatorsInsideKeysAndThePropertySeparatorInsideValues() {
        assertThatThrownBy(() -> PropertiesCodec.encode(Map.of("a\u0002", "b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PropertiesCodec.encode(Map.of("a\u0001", "b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PropertiesCodec.encode(Map.of("a", "b\u0002")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueHoldingTheNameValueSeparatorReadsBackWholeAsTheOfficialCodecReadsIt() {
        // A property is split at its first \u0001, so the official client sends and reads such a value intact.
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("a", "x\u0001y");
        properties.put("KEYS", "k");
        String encoded = PropertiesCodec.encode(properties);
        assertThat(encoded)
                .isEqualTo(MessageDecoder.messageProperties2String(properties).replaceAll("\u0002$", ""));
        assertThat(PropertiesCodec.decode(encoded)).isEqualTo(properties);
        assertThat(MessageDecoder.string2messageProperties(encoded)).isEqualTo(properties);
        assertThat(PropertiesCodec.find(encoded, "a")).isEqualTo("x\u0001y");
    }
}
