package io.keyhook.query.apikey;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.ApiKeyView;
import io.keyhook.api.apikey.Environment;
import io.keyhook.api.apikey.Scope;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A key with its stored form, which only authentication reads; the API sees {@link #toView}. */
@Document("api_keys")
public record ApiKeyDocument(@Id String id, String organizationId, String ownerUserId, Role ownerRole, String name,
                             Set<Scope> scopes, Environment environment, String prefix, String lookup,
                             String verifier, String previousPrefix, String previousLookup, String previousVerifier,
                             Instant previousValidUntil, Instant createdAt, Instant expiresAt, Instant rotatedAt,
                             Instant revokedAt, Integer rateLimitPerMinute, List<String> allowedIps, long version) implements Versioned {

    ApiKeyDocument rotated(String prefix, String lookup, String verifier, String previousPrefix, String previousLookup,
                           String previousVerifier, Instant previousValidUntil, Instant at) {
        return new ApiKeyDocument(id, organizationId, ownerUserId, ownerRole, name, scopes, environment, prefix, lookup,
                verifier, previousPrefix, previousLookup, previousVerifier, previousValidUntil, createdAt, expiresAt,
                at, revokedAt, rateLimitPerMinute, allowedIps, version);
    }

    ApiKeyDocument revoked(Instant at) {
        return new ApiKeyDocument(id, organizationId, ownerUserId, ownerRole, name, scopes, environment, prefix, lookup,
                verifier, previousPrefix, previousLookup, previousVerifier, previousValidUntil, createdAt, expiresAt,
                rotatedAt, at, rateLimitPerMinute, allowedIps, version);
    }

    ApiKeyDocument at(long version) {
        return new ApiKeyDocument(id, organizationId, ownerUserId, ownerRole, name, scopes, environment, prefix, lookup,
                verifier, previousPrefix, previousLookup, previousVerifier, previousValidUntil, createdAt, expiresAt,
                rotatedAt, revokedAt, rateLimitPerMinute, allowedIps, version);
    }

    ApiKeyView toView(Instant now, Instant lastUsedAt) {
        String status = revokedAt != null ? ApiKeyView.REVOKED
                : expiresAt != null && !expiresAt.isAfter(now) ? ApiKeyView.EXPIRED
                : ApiKeyView.ACTIVE;
        Instant previousUntil = previousValidUntil != null && previousValidUntil.isAfter(now) ? previousValidUntil : null;
        return new ApiKeyView(id, organizationId, ownerUserId, name, prefix, scopes, environment, status, createdAt,
                expiresAt, revokedAt, rotatedAt, previousUntil, lastUsedAt, rateLimitPerMinute, allowedIps, version);
    }

    ApiKeyCredentials toCredentials() {
        return new ApiKeyCredentials(id, organizationId, ownerUserId, ownerRole, scopes, prefix, lookup, verifier,
                previousPrefix, previousLookup, previousVerifier, previousValidUntil, expiresAt, revokedAt != null,
                rateLimitPerMinute, allowedIps, version);
    }
}
