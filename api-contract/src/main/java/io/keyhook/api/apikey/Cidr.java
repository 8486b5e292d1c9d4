package io.keyhook.api.apikey;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network such as {@code 203.0.113.0/24} or {@code 2001:db8::/32}; a bare address is
 * a network of one. Only literals are accepted, so parsing never resolves a host name. IPv4-mapped
 * IPv6 addresses count as the IPv4 address they carry.
 */
public record Cidr(byte[] network, int prefixLength) {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    public static Cidr parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("must be an IP address or CIDR, e.g. 203.0.113.0/24");
        }
        String[] parts = value.trim().split("/", -1);
        if (parts.length > 2 || !LITERAL.matcher(parts[0]).matches() || !parts[0].matches(".*[.:].*")) {
            throw new IllegalArgumentException("'" + value + "' is not an IP address or CIDR");
        }
        byte[] address = literal(parts[0], value);
        int maxLength = address.length * 8;
        int length = maxLength;
        if (parts.length == 2) {
            try {
                length = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > maxLength) {
                throw new IllegalArgumentException("'" + value + "' has a prefix length outside 0-" + maxLength);
            }
        }
        return new Cidr(mask(address, length), length);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && java.util.Arrays.equals(mask(candidate, prefixLength), network);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefixLength == prefixLength
                && java.util.Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    private static byte[] literal(String text, String original) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + original + "' is not an IP address or CIDR");
        }
    }

    private static byte[] mask(byte[] address, int length) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, length - i * 8));
            masked[i] &= (byte) (0xFF << (8 - bits));
        }
        return masked;
    }
}
