package io.keyhook.api.webhook;

import java.time.Instant;

/** previousValidUntil null: the previous secret stops signing at once. */
public record WebhookSecretRotated(String subscriptionId, String organizationId, String encryptedSecret,
                                   String previousEncryptedSecret, Instant previousValidUntil) {
}
