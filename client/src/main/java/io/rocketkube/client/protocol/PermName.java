package io.rocketkube.client.protocol;

/** Topic and broker permission bits (docs/protocol.md §3.3). */
public final class PermName {
    public static final int PERM_PRIORITY = 8;
    public static final int PERM_READ = 4;
    public static final int PERM_WRITE = 2;
    public static final int PERM_INHERIT = 1;
    public static final int READ_WRITE = PERM_READ | PERM_WRITE;

    private PermName() {}

    public static boolean isReadable(int perm) {
        return (perm & PERM_READ) != 0;
    }

    public static boolean isWriteable(int perm) {
        return (perm & PERM_WRITE) != 0;
    }

    public static boolean isInherited(int perm) {
        return (perm & PERM_INHERIT) != 0;
    }
}
