package io.keyhook.query.apikey;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/** When a key was last allowed through; kept by the usage projection, so replaying it rebuilds this too. */
@Document("api_key_last_use")
public record LastUseDocument(@Id String id, String organizationId, Instant lastUsedAt) {
}
