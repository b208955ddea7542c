package io.rocketkube.store.file;

import java.nio.file.Path;

/**
 * The store's second wall against names that are paths. Topics arrive from the network (a consumer
 * group becomes the topic {@code %RETRY%<group>}); the broker validates them first, but the store turns
 * them into directory names itself, so it refuses on its own any name that could leave its root:
 * {@code consumequeue/../../config/topics.rkc} must never be created nor deleted.
 *
 * <p>Two checks, both needed: the name must be one plain path component ({@link #requireSafeName}), and
 * the path built from it, normalized, must be a strict child of the root ({@link #child}). The first
 * gives a clear reason; the second holds even if the first were ever loosened.
 *
 * <p>Stateless and thread-safe.
 */
public final class StorePaths {

    private StorePaths() {}

    /** Why {@code name} cannot be a single file name under a store directory; null if it can. */
    public static String unsafeReason(String name) {
        if (name == null || name.isEmpty()) {
            return "name is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "name '" + name + "' is a relative directory";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c == '\0') {
                return "name contains a path separator or NUL at index " + i;
            }
        }
        return null;
    }

    /**
     * Returns {@code name} if it is one safe path component.
     *
     * @throws IllegalArgumentException otherwise, saying why
     */
    public static String requireSafeName(String name) {
        String reason = unsafeReason(name);
        if (reason != null) {
            throw new IllegalArgumentException("refused unsafe store name " + printable(name) + ": " + reason);
        }
        return name;
    }

    /**
     * {@code root/name}, checked: {@code name} is a safe component and the normalized result is a direct
     * child of the normalized root. Touches no file.
     *
     * @throws IllegalArgumentException if either check fails
     */
    public static Path child(Path root, String name) {
        requireSafeName(name);
        Path base = root.toAbsolutePath().normalize();
        Path resolved = base.resolve(name).normalize();
        if (!base.equals(resolved.getParent())) {
            throw new IllegalArgumentException(
                    "refused store name " + printable(name) + ": " + resolved + " is not directly under " + base);
        }
        return resolved;
    }

    private static String printable(String name) {
        return name == null ? "null" : "'" + name.replace("\0", "\\0") + "'";
    }
}
