package io.rocketkube.broker.acl;

/**
 * RocketMQ 4.9's ACL permission bits ({@code Permission}): what an account may do with a topic or a group, and
 * what a request needs. A needed ANY is met by PUB or SUB; DENY owned refuses everything.
 */
public final class AclPermission {
    public static final byte DENY = 1;
    public static final byte ANY = 1 << 1;
    public static final byte PUB = 1 << 2;
    public static final byte SUB = 1 << 3;

    private AclPermission() {}

    /** Whether {@code owned} grants {@code needed}. */
    public static boolean grants(byte owned, byte needed) {
        if ((owned & DENY) != 0) {
            return false;
        }
        if ((needed & ANY) != 0) {
            return (owned & (PUB | SUB)) != 0;
        }
        return (needed & owned) != 0;
    }

    /**
     * {@code PUB}, {@code SUB}, {@code PUB|SUB} (or {@code SUB|PUB}) or {@code DENY}, as in plain_acl.yml.
     *
     * @throws IllegalArgumentException for anything else (RocketMQ reads it as DENY; refusing says so at load)
     */
    public static byte parse(String text) {
        String t = text == null ? "" : text.trim();
        return switch (t) {
            case "PUB" -> PUB;
            case "SUB" -> SUB;
            case "PUB|SUB", "SUB|PUB" -> (byte) (PUB | SUB);
            case "DENY" -> DENY;
            default ->
                throw new IllegalArgumentException(
                        "permission '" + text + "' is not one of PUB, SUB, PUB|SUB, SUB|PUB, DENY");
        };
    }

    /** The plain_acl.yml spelling of {@code permission}. */
    public static String format(byte permission) {
        if ((permission & DENY) != 0) {
            return "DENY";
        }
        boolean pub = (permission & PUB) != 0;
        boolean sub = (permission & SUB) != 0;
        return pub && sub ? "PUB|SUB" : pub ? "PUB" : sub ? "SUB" : "DENY";
    }
}
