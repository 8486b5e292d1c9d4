package io.keyhook.api.account;

/** The {@code user.added} domain event. {@code addedBy} is null for the founder of an organization. */
public record UserAdded(String userId, String organizationId, String email, String passwordHash, Role role,
                        String addedBy) {
}
