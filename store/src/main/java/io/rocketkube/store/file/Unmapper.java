package io.rocketkube.store.file;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Releases a mapping now instead of when the GC finds the buffer unreachable. Without this, disk space
 * of a deleted 1 GiB segment would come back only after a GC, which may be hours away since mappings
 * put no pressure on the heap.
 *
 * <p>Uses {@code sun.misc.Unsafe.invokeCleaner} from the {@code jdk.unsupported} module, which needs no
 * {@code --add-opens}. If it is unavailable the mapping is left to the GC, which is always safe.
 */
public final class Unmapper {

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invoke = null;
        try {
            Class<?> cls = Class.forName("sun.misc.Unsafe");
            Field f = cls.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            invoke = cls.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invoke = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invoke;
    }

    private Unmapper() {}

    /** Unmaps {@code buffer}; any later access to it or its slices crashes the JVM, so call only once unused. */
    public static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left to the GC: still correct, only slower to give the space back.
        }
    }
}
