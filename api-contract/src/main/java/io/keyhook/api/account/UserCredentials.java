package io.keyhook.api.account;

/** What login needs to check a password; never leaves the server. */
public record UserCredentials(String userId, String organizationId, Role role, String passwordHash) {
}
