package io.keyhook.query.account;

import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

@Document("organizations")
public record OrganizationDocument(@Id String id, String name, Instant createdAt, long version) implements Versioned {
}
