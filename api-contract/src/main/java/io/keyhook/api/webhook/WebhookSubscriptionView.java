package io.keyhook.api.webhook;

import java.time.Instant;
import java.util.Set;

/** A subscription as the API shows it: never its secret. */
public record WebhookSubscriptionView(String id, String organizationId, String url, Set<String> eventTypes,
                                      String description, boolean active, String disabledReason,
                                      int consecutiveFailures, Instant createdAt, Instant updatedAt,
                                      Instant secretRotatedAt, Instant previousSecretValidUntil, long version) {
}
