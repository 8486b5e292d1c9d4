package io.keyhook.api.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A key as its organization sees it: metadata only, never the key or its hash. */
public record ApiKeyView(String id, String organizationId, String ownerUserId, String name, String prefix,
                         Set<Scope> scopes, Environment environment, String status, Instant createdAt,
                         Instant expiresAt, Instant revokedAt, Instant rotatedAt, Instant previousKeyValidUntil,
                         Instant lastUsedAt, Integer rateLimitPerMinute, List<String> allowedIps, long version) {

    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";
}
