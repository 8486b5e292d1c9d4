package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.Cidr;

import java.net.InetAddress;
import java.util.List;

/** A key's credentials with its allowlist parsed once, as the authentication cache holds them. */
record KnownKey(ApiKeyCredentials credentials, List<Cidr> networks) {

    static KnownKey of(ApiKeyCredentials credentials) {
        List<Cidr> networks = credentials.allowedIps() == null ? List.of()
                : credentials.allowedIps().stream().map(Cidr::parse).toList();
        return new KnownKey(credentials, networks);
    }

    boolean allows(InetAddress address) {
        return networks.isEmpty() || address != null && networks.stream().anyMatch(network -> network.contains(address));
    }
}
