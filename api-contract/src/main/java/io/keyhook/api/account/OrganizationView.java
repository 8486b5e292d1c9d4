package io.keyhook.api.account;

import java.time.Instant;

public record OrganizationView(String organizationId, String name, Instant createdAt) {
}
