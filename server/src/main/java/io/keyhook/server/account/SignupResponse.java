package io.keyhook.server.account;

import java.time.Instant;

public record SignupResponse(String organizationId, String userId, String token, Instant expiresAt) {
}
