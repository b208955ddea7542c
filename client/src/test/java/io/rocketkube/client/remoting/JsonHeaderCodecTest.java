package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written fast paths of the JSON header against Jackson's, which stay the reference: the writer
 * must produce Jackson's bytes exactly, and the reader must read every header as Jackson's path does (or
 * hand it over).
 */
class JsonHeaderCodecTest {
    /** Printable ASCII plus what needs escaping: controls, quote, backslash, DEL. */
    private static final String ALPHABET =
            "aZ09 _-:/.,{}[]\"\\\u0000\u0001\u0002\u0008\t\n\u000b\f\r\u001a\u001f\u007f";

    @Test
    void writerProducesJacksonsBytes() {
        Random random = new Random(17);
        for (int i = 0; i < 5_000; i++) {
            RemotingCommand command = randomCommand(random, ALPHABET);
            assertThat(fast(command)).as("command %s", command).isEqualTo(jackson(command));
        }
    }

    @Test
    void nonAsciiHeadersAreWrittenByJackson() {
        RemotingCommand command = RemotingCommand.request(10)
                .withExtField("topic", "主题")
                .withExtField("k", "\uD83D\uDE00")
                .withRemark("é");

        assertThat(JsonHeaderWriter.write(command, Unpooled.buffer())).isFalse();
        ByteBuf out = Unpooled.buffer();
        JsonHeaderCodec.encode(command, out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(jackson(command));
    }

    @Test
    void readerReadsWhatTheWriterWrites() {
        Random random = new Random(18);
        for (int i = 0; i < 5_000; i++) {
            RemotingCommand command = randomCommand(random, ALPHABET + "é主");
            byte[] header = jackson(command);
            RemotingCommand viaJackson = JsonHeaderCodec.decodeWithJackson(header, 0, header.length);
            RemotingCommand decoded = JsonHeaderCodec.decode(header, 0, header.length);
            assertSame(decoded, viaJackson);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"code\":1,\"opaque\":2}",
                "{ \"code\" : 1 , \"opaque\" : 2 }",
                "{\"code\":\"12\",\"flag\":\" 3 \"}",
                "{\"code\":1,\"remark\":null,\"language\":\"GO\"}",
                "{\"code\":1,\"extFields\":{\"a\":1,\"b\":true,\"c\":null,\"d\":\"x\\u0041\\n\"}}",
                "{\"code\":1,\"extFields\":null,\"unknown\":{\"x\":[1,2]}}",
                "{\"code\":1,\"extFields\":{}}",
                "{\"code\":-0,\"version\":2147483647,\"opaque\":-2147483648}",
                "{\"code\":1,\"language\":\"NOT_A_LANGUAGE\",\"serializeTypeCurrentRPC\":\"JSON\"}",
                "{\"code\":1,\"code\":2}",
                "{\"code\":1,\"remark\":\"caf\u00e9\"}",
                "{\"code\":1}\n",
            })
    void lenientInputReadsAsJacksonReadsIt(String json) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        assertSame(
                JsonHeaderCodec.decode(header, 0, header.length),
                JsonHeaderCodec.decodeWithJackson(header, 0, header.length));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "{\"opaque\":1}",
                "{\"code\":01}",
                "{\"code\":1.5}",
                "{\"code\":2147483648}",
                "{\"code\":1,\"remark\":{\"code\":2}}",
                "{\"code\":1,\"extFields\":{\"a\":{}}}",
                "{\"code\":1,\"extFields\":[]}",
                "{\"code\":1",
                "{\"code\":1}x",
                "{\"code\":1,\"remark\":\"\\q\"}",
                "{\"code\":1,\"remark\":\"\u0001\"}",
            })
    void malformedInputFailsAsJacksonFailsIt(String json) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Throwable reference = catchThrowable(() -> JsonHeaderCodec.decodeWithJackson(header, 0, header.length));
        assertThat(reference).isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> JsonHeaderCodec.decode(header, 0, header.length))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessage(reference.getMessage());
    }

    /**
     * What a raw-frame fuzzer sends: valid headers with bytes flipped, inserted, dropped or cut off. Whatever
     * the fast reader makes of one must be what Jackson makes of it, the same command or the same error.
     */
    @Test
    void mutatedHeadersReadAsJacksonReadsThem() {
        Random random = new Random(19);
        byte[] interesting = "{}[]\":,-0123456789.eE \\u\u0000\u007f\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] header = mutate(jackson(randomCommand(random, ALPHABET)), random, interesting);
            Throwable reference = catchThrowable(() -> JsonHeaderCodec.decodeWithJackson(header, 0, header.length));
            String input = new String(header, StandardCharsets.ISO_8859_1);
            if (reference == null) {
                assertSame(
                        JsonHeaderCodec.decode(header, 0, header.length),
                        JsonHeaderCodec.decodeWithJackson(header, 0, header.length));
            } else {
                assertThatThrownBy(() -> JsonHeaderCodec.decode(header, 0, header.length))
                        .as("input %s", input)
                        .isInstanceOf(reference.getClass())
                        .hasMessage(reference.getMessage());
            }
        }
    }

    private static byte[] mutate(byte[] header, Random random, byte[] interesting) {
        byte[] out = header;
        for (int edits = 1 + random.nextInt(3); edits > 0 && out.length > 0; edits--) {
            int at = random.nextInt(out.length);
            byte b =
                    random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = b;
                case 1 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                default -> out = java.util.Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    private static Throwable catchThrowable(Runnable action) {
        try {
            action.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void assertSame(RemotingCommand actual, RemotingCommand expected) {
        assertThat(actual.code()).isEqualTo(expected.code());
        assertThat(actual.language()).isEqualTo(expected.language());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.opaque()).isEqualTo(expected.opaque());
        assertThat(actual.flag()).isEqualTo(expected.flag());
        assertThat(actual.remark()).isEqualTo(expected.remark());
        assertThat(actual.rawExtFields()).isEqualTo(expected.rawExtFields());
        assertThat(actual.serializeType()).isEqualTo(expected.serializeType());
    }

    private static byte[] fast(RemotingCommand command) {
        ByteBuf out = Unpooled.buffer();
        assertThat(JsonHeaderWriter.write(command, out)).isTrue();
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] jackson(RemotingCommand command) {
        ByteBuf out = Unpooled.buffer();
        JsonHeaderCodec.encodeWithJackson(command, out);
        return ByteBufUtil.getBytes(out);
    }

    private static RemotingCommand randomCommand(Random random, String alphabet) {
        List<Integer> ints = List.of(0, 1, 9, 10, -1, -10, Integer.MAX_VALUE, Integer.MIN_VALUE, 409, 123456789);
        RemotingCommand command = RemotingCommand.request(pick(random, ints))
                .withVersion(pick(random, ints))
                .withLanguage(LanguageCode.values()[random.nextInt(LanguageCode.values().length)]);
        if (random.nextBoolean()) {
            command = command.response(pick(random, ints), random.nextBoolean() ? text(random, alphabet) : null);
        }
        int fields = random.nextInt(4) == 0 ? 0 : random.nextInt(14);
        for (int i = 0; i < fields; i++) {
            command.withExtField(
                    random.nextBoolean() ? String.valueOf((char) ('a' + i)) : text(random, alphabet),
                    text(random, alphabet));
        }
        return command;
    }

    private static int pick(Random random, List<Integer> values) {
        return random.nextInt(3) == 0 ? random.nextInt() : values.get(random.nextInt(values.size()));
    }

    private static String text(Random random, String alphabet) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(24);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
