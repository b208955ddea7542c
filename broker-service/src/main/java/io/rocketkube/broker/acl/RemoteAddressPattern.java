package io.rocketkube.broker.acl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which client addresses a plain_acl.yml entry lets in without a signature (RocketMQ 4.9's remote address
 * strategies), matched against the client's IP (the port ignored):
 *
 * <ul>
 *   <li>blank: nobody;
 *   <li>{@code *}, {@code *.*.*.*} or {@code *:*:*:*:*:*:*:*}: everybody;
 *   <li>{@code 192.168.0.1}, or an IPv6 address in any of its spellings: that address;
 *   <li>{@code 192.168.0.1,192.168.0.2} or {@code 192.168.0.{1,2,3}}: any of those addresses;
 *   <li>{@code 192.168.*.*}, {@code 192.168.1.10-20}, {@code 10.*}: per octet a number, a range {@code a-b} or
 *       {@code *}; octets left out at the end count as {@code *}.
 * </ul>
 *
 * <p>RocketMQ accepts a range only at its first wildcard octet, with {@code *} after it; every such pattern
 * means the same here. A pattern that is none of these (a host name, an octet above 255, an empty range) is
 * refused when the file is read, naming it.
 */
public final class RemoteAddressPattern {
    private static final Pattern OCTET = Pattern.compile("\\d{1,3}");

    private final String text;
    private final boolean everybody;
    private final List<byte[]> exact;
    /** Per IPv4 octet its [low, high] range; null unless the pattern has wildcards or ranges. */
    private final int[][] octetRanges;

    private RemoteAddressPattern(String text, boolean everybody, List<byte[]> exact, int[][] octetRanges) {
        this.text = text;
        this.everybody = everybody;
        this.exact = exact;
        this.octetRanges = octetRanges;
    }

    /** @throws IllegalArgumentException naming the pattern if it is not one of the forms above */
    public static RemoteAddressPattern parse(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.isEmpty()) {
            return new RemoteAddressPattern(p, false, List.of(), null);
        }
        if (p.equals("*") || p.equals("*.*.*.*") || p.equals("*:*:*:*:*:*:*:*")) {
            return new RemoteAddressPattern(p, true, List.of(), null);
        }
        if (p.endsWith("}")) {
            int open = p.lastIndexOf('{');
            if (open < 0) {
                throw invalid(p);
            }
            String prefix = p.substring(0, open);
            List<byte[]> addresses = new ArrayList<>();
            for (String last : p.substring(open + 1, p.length() - 1).split(",")) {
                addresses.add(literal(prefix + last.trim(), p));
            }
            return new RemoteAddressPattern(p, false, List.copyOf(addresses), null);
        }
        if (p.contains(",")) {
            List<byte[]> addresses = new ArrayList<>();
            for (String one : p.split(",")) {
                addresses.add(literal(one.trim(), p));
            }
            return new RemoteAddressPattern(p, false, List.copyOf(addresses), null);
        }
        if (p.contains("*") || (p.contains("-") && !p.contains(":"))) {
            return new RemoteAddressPattern(p, false, List.of(), ranges(p));
        }
        return new RemoteAddressPattern(p, false, List.of(literal(p, p)), null);
    }

    /** Whether a client at {@code address} is let in. */
    public boolean matches(InetAddress address) {
        if (everybody) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (byte[] one : exact) {
            if (java.util.Arrays.equals(one, bytes)) {
                return true;
            }
        }
        if (octetRanges == null || bytes.length != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            int octet = bytes[i] & 0xff;
            if (octet < octetRanges[i][0] || octet > octetRanges[i][1]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    private static int[][] ranges(String p) {
        String[] parts = p.split("\\.", -1);
        if (parts.length > 4) {
            throw invalid(p);
        }
        int[][] ranges = new int[4][];
        for (int i = 0; i < 4; i++) {
            String part = i < parts.length ? parts[i].trim() : "*";
            if (part.equals("*")) {
                ranges[i] = new int[] {0, 255};
            } else if (part.contains("-")) {
                String[] bounds = part.split("-", -1);
                if (bounds.length != 2) {
                    throw invalid(p);
                }
                int low = octet(bounds[0], p);
                int high = octet(bounds[1], p);
                if (low > high) {
                    throw invalid(p);
                }
                ranges[i] = new int[] {low, high};
            } else {
                int value = octet(part, p);
                ranges[i] = new int[] {value, value};
            }
        }
        if (parts.length < 4 && !parts[parts.length - 1].trim().equals("*")) {
            // "10.10" is not a pattern; "10.10.*" is.
            throw invalid(p);
        }
        return ranges;
    }

    private static int octet(String text, String pattern) {
        String t = text.trim();
        if (!OCTET.matcher(t).matches() || Integer.parseInt(t) > 255) {
            throw invalid(pattern);
        }
        return Integer.parseInt(t);
    }

    /** An IPv4 or IPv6 literal; never a name lookup. */
    private static byte[] literal(String address, String pattern) {
        boolean ipv4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = address.contains(":") && address.matches("[0-9a-fA-F:.]+");
        if (ipv4) {
            for (String part : address.split("\\.")) {
                octet(part, pattern);
            }
        }
        if (!ipv4 && !ipv6) {
            throw invalid(pattern);
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(pattern);
        }
    }

    private static IllegalArgumentException invalid(String pattern) {
        return new IllegalArgumentException("remote address pattern '" + pattern + "' is not an IP address, a list"
                + " (a,b or prefix.{x,y}), a range (192.168.1.10-20, 192.168.*) or *");
    }
}
