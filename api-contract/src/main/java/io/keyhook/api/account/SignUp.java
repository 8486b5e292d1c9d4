package io.keyhook.api.account;

/**
 * A new organization and its first user, an admin, created together or not at all. Carries the
 * password hash only.
 */
public record SignUp(String organizationId, String organizationName, String userId, String email,
                     String passwordHash) {
}
