package io.keyhook.api.apikey;

import io.keyhook.api.account.Role;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What authentication needs to know about a key: how to recognise it (current and, during a
 * rotation's grace period, previous secret) and what it may do. Internal: never served by the API.
 */
public record ApiKeyCredentials(String keyId, String organizationId, String ownerUserId, Role ownerRole,
                                Set<Scope> scopes, String prefix, String lookup, String verifier,
                                String previousPrefix, String previousLookup, String previousVerifier,
                                Instant previousValidUntil, Instant expiresAt, boolean revoked,
                                Integer rateLimitPerMinute, List<String> allowedIps, long version) {
}
