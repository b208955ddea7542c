package io.rocketkube.client.remoting;

/**
 * The sender's language, as JSON headers name it and ROCKETMQ headers number it. The byte codes are the
 * enum order of the reference implementation; we always answer as JAVA because a 4.9 client decodes a
 * name it does not know to null.
 */
public enum LanguageCode {
    JAVA,
    CPP,
    DOTNET,
    PYTHON,
    DELPHI,
    ERLANG,
    RUBY,
    OTHER,
    HTTP,
    GO,
    PHP,
    OMS,
    RUST,
    NODE_JS;

    private static final LanguageCode[] BY_CODE = values();

    public byte code() {
        return (byte) ordinal();
    }

    /** Unknown codes map to OTHER: a peer's language is informational and never a reason to drop it. */
    public static LanguageCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : OTHER;
    }

    public static LanguageCode ofName(String name) {
        if (name == null) {
            return JAVA;
        }
        for (LanguageCode value : BY_CODE) {
            if (value.name().equals(name)) {
                return value;
            }
        }
        return OTHER;
    }
}
