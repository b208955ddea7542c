package io.rocketkube.client.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.junit.jupiter.api.Test;

class PropertiesEditTest {
    private static final String[] NOTHING = {};

    @Test
    void setsAndRemovesKeysLeavingTheOthersAsTheyWere() {
        String s = "REAL_TOPIC\u0001T\u0002DELAY\u00012\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001u\u0002";
        String edited = PropertiesEdit.edit(s, new String[] {"DELAY"}, "WAIT", "false", "REAL_TOPIC", "U");
        assertThat(edited)
                .isEqualTo("KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001u\u0002WAIT\u0001false\u0002REAL_TOPIC\u0001U");
        assertThat(MessageDecoder.string2messageProperties(edited))
                .isEqualTo(Map.of("KEYS", "k1 k2", "UNIQ_KEY", "u", "WAIT", "false", "REAL_TOPIC", "U"));
    }

    @Test
    void aKeyIsNotMistakenForAnotherItPrefixes() {
        assertThat(PropertiesEdit.edit("DELAY_X\u0001a\u0002DELAY\u0001b", new String[] {"DELAY"}))
                .isEqualTo("DELAY_X\u0001a");
        assertThat(PropertiesEdit.edit(null, NOTHING, "k", "v")).isEqualTo("k\u0001v");
        assertThat(PropertiesEdit.edit("", NOTHING)).isEmpty();
    }

    /** Whatever the input, an edit reads (official parser and ours) as the map round trip it replaces. */
    @Test
    void readsAsTheMapRoundTripOnRandomStrings() {
        Random r = new Random(11);
        char[] alphabet = {'a', 'b', ' ', '\u0001', '\u0002', '='};
        String[] keys = {"a", "b", "ab", "ba", "a "};
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(30);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet[r.nextInt(alphabet.length)]);
            }
            String s = sb.toString();
            String[] remove = {keys[r.nextInt(keys.length)]};
            String setKey = keys[r.nextInt(keys.length)];
            String setValue = r.nextBoolean() ? "v" : "";

            // What the map round trip meant: the parsed map without the removed key, with the set one (a
            // segment with an empty value is skipped by every parser).
            Map<String, String> ours = PropertiesCodec.decode(s);
            Map<String, String> official = MessageDecoder.string2messageProperties(s);
            for (Map<String, String> expected : List.of(ours, official)) {
                expected.remove(remove[0]);
                expected.remove(setKey);
                if (!setValue.isEmpty()) {
                    expected.put(setKey, setValue);
                }
            }

            String edited = PropertiesEdit.edit(s, remove, setKey, setValue);
            String shown = s.replace('\u0001', '^').replace('\u0002', '|');
            assertThat(MessageDecoder.string2messageProperties(edited))
                    .as("official parse of the edit of %s", shown)
                    .isEqualTo(official);
            assertThat(PropertiesCodec.decode(edited))
                    .as("our parse of the edit of %s", shown)
                    .isEqualTo(ours);
            for (String key : keys) {
                assertThat(PropertiesCodec.find(edited, key))
                        .as("find %s in the edit of %s", key, shown)
                        .isEqualTo(ours.get(key));
            }
        }
    }

    @Test
    void refusesWhatEncodeRefuses() {
        assertThatThrownBy(() -> PropertiesEdit.edit("", NOTHING, "a\u0002", "b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PropertiesEdit.edit("", NOTHING, "a", "b\u0001"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PropertiesEdit.edit("", NOTHING, "", "b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PropertiesEdit.edit("", NOTHING, "a")).isInstanceOf(IllegalArgumentException.class);
    }
}
