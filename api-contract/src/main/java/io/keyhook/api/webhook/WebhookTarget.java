package io.keyhook.api.webhook;

import java.time.Instant;

/** Where and how to deliver: internal, never served by the API. */
public record WebhookTarget(String subscriptionId, String organizationId, String url, boolean active,
                            String encryptedSecret, String previousEncryptedSecret, Instant previousValidUntil) {
}
