package io.keyhook.query.account;

import io.keyhook.api.account.Role;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

@Document("users")
public record UserDocument(@Id String id, String organizationId, String email, String passwordHash, Role role,
                           Instant createdAt, long version) implements Versioned {
}
