package io.keyhook.api.apikey;

import io.keyhook.api.account.Role;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code lookup} is the peppered HMAC of the key (or, with a slow hash, its visible prefix) and
 * {@code verifier} the slow hash, if any: neither can be turned back into the key.
 */
public record ApiKeyIssued(String keyId, String organizationId, String ownerUserId, Role ownerRole, String name,
                           Set<Scope> scopes, Environment environment, String prefix, String lookup,
                           String verifier, Instant expiresAt, Integer rateLimitPerMinute,
                           List<String> allowedIps) {
}
