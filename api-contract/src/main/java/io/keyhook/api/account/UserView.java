package io.keyhook.api.account;

import java.time.Instant;

public record UserView(String userId, String organizationId, String organizationName, String email, Role role,
                       Instant createdAt) {
}
