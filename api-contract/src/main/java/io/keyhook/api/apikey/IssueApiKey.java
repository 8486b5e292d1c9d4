package io.keyhook.api.apikey;

import io.keyhook.api.account.Role;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Carries the key's stored form only ({@code lookup}, and {@code verifier} when a slow hash is
 * configured): the plaintext key never leaves the request that created it. {@code grantable} is what
 * the creating credential itself may do; the key can hold no more.
 */
public record IssueApiKey(@TargetAggregateIdentifier String keyId, String organizationId, String ownerUserId,
                          Role ownerRole, Set<Scope> grantable, String name,
                          Set<Scope> scopes, Environment environment, String prefix, String lookup,
                          String verifier, Instant expiresAt, Integer rateLimitPerMinute,
                          List<String> allowedIps) {
}
