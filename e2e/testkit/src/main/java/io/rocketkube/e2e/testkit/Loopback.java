package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out loopback addresses and ports for server "pods".
 *
 * <p>Each of our servers gets its own address 127.0.x.y (x, y random, never 127.0.0.1) and ports
 * that were free on it when checked. Servers that can only bind the wildcard address (the Apache
 * 4.9 servers) get a block of ports that are all free on the wildcard address. Other engineers run
 * tests on the same machine, so the numbers are random rather than sequential, and nothing is
 * handed out twice by one JVM. A free-port check is only a hint (another process may take the port
 * before the child binds it); that race is rare enough to accept in tests.
 *
 * <p>Thread-safe.
 */
public final class Loopback {

    private static final int MIN_PORT = 20_000;
    private static final int MAX_PORT = 44_000;
    private static final Set<String> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Loopback() {}

    /** A fresh address 127.0.x.y with 1 ≤ x ≤ 254 (so never 127.0.0.y) and 2 ≤ y ≤ 254. */
    public static String newAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            String address = "127.0." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
            if (HANDED_OUT.add(address)) {
                return address;
            }
        }
        throw new IllegalStateException("no loopback address left");
    }

    /** A port that is free on {@code address} (which must be a loopback address). */
    public static int freePort(String address) {
        return freePortBlock(address, 0);
    }

    /**
     * A port p such that p + each offset is free on the wildcard address. For a 4.9 broker use
     * offsets {-2, 0, 1}: VIP port, listen port, HA port.
     */
    public static int freeWildcardPortBlock(int... offsets) {
        return freePortBlock(null, offsets);
    }

    private static int freePortBlock(String address, int... offsets) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int base = random.nextInt(MIN_PORT, MAX_PORT);
            if (claimAll(address, base, offsets)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port block found on " + (address == null ? "*" : address));
    }

    private static boolean claimAll(String address, int base, int... offsets) {
        for (int offset : offsets) {
            if (HANDED_OUT.contains("*:" + (base + offset))
                    || HANDED_OUT.contains(address + ":" + (base + offset))
                    || !isFree(address, base + offset)) {
                return false;
            }
        }
        for (int offset : offsets) {
            HANDED_OUT.add((address == null ? "*" : address) + ":" + (base + offset));
        }
        return true;
    }

    /** Whether a listening socket could bind {@code address:port} (null = wildcard) right now. */
    public static boolean isFree(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            InetSocketAddress bind = address == null
                    ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(address), port);
            socket.bind(bind);
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        } catch (IOException inUse) {
            return false;
        }
    }
}
