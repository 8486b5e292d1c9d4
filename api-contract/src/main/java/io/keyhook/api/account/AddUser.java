package io.keyhook.api.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Carries the password hash only: the plaintext never leaves the request that brought it. */
public record AddUser(@TargetAggregateIdentifier String userId, String organizationId, String email,
                      String passwordHash, Role role, String addedBy) {
}
