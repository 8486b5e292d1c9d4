package io.keyhook.server.apikey;

import io.keyhook.server.infra.KeyhookProperties;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client's address: the socket's peer, or, when {@code keyhook.api-keys.client-ip-header} names a
 * header set by a trusted proxy, the last address in it (the one that proxy saw). A header value that
 * is not an IP literal is ignored rather than resolved.
 */
@Component
public class ClientAddress {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final String header;

    public ClientAddress(KeyhookProperties properties) {
        String configured = properties.apiKeys().clientIpHeader();
        this.header = configured == null || configured.isBlank() ? null : configured.strip();
    }

    InetAddress of(ServerHttpRequest request) {
        if (header != null) {
            List<String> values = request.getHeaders().getOrEmpty(header);
            if (!values.isEmpty()) {
                String all = values.get(values.size() - 1);
                String last = all.substring(all.lastIndexOf(',') + 1).strip();
                InetAddress forwarded = literal(last);
                if (forwarded != null) {
                    return forwarded;
                }
            }
        }
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null ? null : remote.getAddress();
    }

    static String text(InetAddress address) {
        return address == null ? "unknown" : address.getHostAddress();
    }

    private static InetAddress literal(String value) {
        if (value.isEmpty() || value.length() > 45 || !LITERAL.matcher(value).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
