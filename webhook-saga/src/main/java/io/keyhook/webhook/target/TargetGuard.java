package io.keyhook.webhook.target;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps webhooks away from the server's own network: a target URL must be absolute http(s), and
 * every address its host resolves to must be public. Refused: unspecified, loopback, private,
 * link-local, unique-local, carrier-grade NAT, multicast, reserved and broadcast addresses, cloud
 * metadata addresses, and IPv6 forms that embed one of those (IPv4-mapped, -compatible, NAT64,
 * 6to4). Numeric hosts must be canonical dotted quads, so {@code 2130706433} or {@code 0177.0.0.1}
 * cannot hide an address. Checked when a subscription is saved and again, after resolution, at
 * every attempt, which then connects to the address that was checked.
 */
public class TargetGuard {

    /** Resolves a host name; replaceable in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public record Target(URI uri, String host, int port, InetAddress address) {
    }

    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+");
    private static final Pattern CANONICAL_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final boolean allowPrivate;
    private final Resolver resolver;

    public TargetGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public TargetGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /** Parses and checks the URL's form only (no DNS): scheme, host, no credentials. */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw new TargetRefusedException("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new TargetRefusedException("url must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new TargetRefusedException("url must name a valid host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new TargetRefusedException("url must not contain credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new TargetRefusedException("url must not contain a fragment");
        }
        return uri;
    }

    /** Resolves the URL's host and returns the address to connect to, or refuses. */
    public Target check(String url) {
        URI uri = parse(url);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (NUMERIC_HOST.matcher(host).matches() && !CANONICAL_QUAD.matcher(host).matches()
                || host.toLowerCase(Locale.ROOT).startsWith("0x")) {
            throw new TargetRefusedException("url host " + host + " is not a canonical IP address or a host name");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new TargetRefusedException("url host " + host + " cannot be resolved");
        }
        if (addresses.length == 0) {
            throw new TargetRefusedException("url host " + host + " cannot be resolved");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                String why = whyRefused(address);
                if (why != null) {
                    throw new TargetRefusedException("url host " + host + " resolves to " + address.getHostAddress()
                            + ", " + why + "; webhooks go to public addresses only");
                }
            }
        }
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return new Target(uri, host, port, addresses[0]);
    }

    /** Why an address may not be a webhook target, or null if it is public. */
    public static String whyRefused(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            InetAddress embedded = embeddedIpv4(v6.getAddress());
            if (embedded != null) {
                String why = whyRefused(embedded);
                return why == null ? null : "an IPv6 form of " + embedded.getHostAddress() + " (" + why + ")";
            }
            int first = v6.getAddress()[0] & 0xFF;
            if ((first & 0xFE) == 0xFC) {
                return "a unique-local address";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return address.getHostAddress().equals("169.254.169.254") ? "a cloud metadata address" : "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int a0 = b[0] & 0xFF;
            int a1 = b[1] & 0xFF;
            if (a0 == 0) {
                return "an address of 'this network'";
            }
            if (a0 == 100 && (a1 & 0xC0) == 64) {
                return a1 == 100 && (b[2] & 0xFF) == 100 && (b[3] & 0xFF) == 200
                        ? "a cloud metadata address" : "a carrier-grade NAT address";
            }
            if (a0 == 192 && a1 == 0 && (b[2] & 0xFF) == 0) {
                return "an IETF protocol address";
            }
            if (a0 == 198 && (a1 & 0xFE) == 18) {
                return "a benchmarking address";
            }
            if (a0 >= 240) {
                return "a reserved or broadcast address";
            }
        }
        return null;
    }

    private static InetAddress embeddedIpv4(byte[] v6) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= v6[i] == 0;
        }
        boolean mapped = zeroPrefix && (v6[10] & 0xFF) == 0xFF && (v6[11] & 0xFF) == 0xFF;
        boolean compatible = zeroPrefix && v6[10] == 0 && v6[11] == 0 && !(v6[12] == 0 && v6[13] == 0 && v6[14] == 0);
        boolean nat64 = (v6[0] & 0xFF) == 0x00 && (v6[1] & 0xFF) == 0x64 && (v6[2] & 0xFF) == 0xFF
                && (v6[3] & 0xFF) == 0x9B;
        try {
            if (mapped || compatible || nat64) {
                return InetAddress.getByAddress(new byte[]{v6[12], v6[13], v6[14], v6[15]});
            }
            if ((v6[0] & 0xFF) == 0x20 && (v6[1] & 0xFF) == 0x02) {
                return InetAddress.getByAddress(new byte[]{v6[2], v6[3], v6[4], v6[5]});
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
