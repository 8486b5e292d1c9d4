package io.keyhook.query.webhook;

import io.keyhook.api.webhook.WebhookSubscriptionView;
import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.Set;

/** A subscription with its encrypted secrets, which only the sender reads; the API sees {@link #toView}. */
@Document("webhook_subscriptions")
public record WebhookSubscriptionDocument(@Id String id, String organizationId, String url, Set<String> eventTypes,
                                          String description, boolean active, String disabledReason,
                                          int consecutiveFailures, String encryptedSecret,
                                          String previousEncryptedSecret, Instant previousValidUntil,
                                          boolean deleted, Instant createdAt, Instant updatedAt,
                                          Instant secretRotatedAt, long version) implements Versioned {

    WebhookSubscriptionDocument with(String url, Set<String> eventTypes, String description, boolean active,
                                     String disabledReason, int consecutiveFailures) {
        return new WebhookSubscriptionDocument(id, organizationId, url, eventTypes, description, active, disabledReason,
                consecutiveFailures, encryptedSecret, previousEncryptedSecret, previousValidUntil, deleted, createdAt,
                updatedAt, secretRotatedAt, version);
    }

    WebhookSubscriptionDocument withSecret(String encryptedSecret, String previousEncryptedSecret,
                                           Instant previousValidUntil, Instant rotatedAt) {
        return new WebhookSubscriptionDocument(id, organizationId, url, eventTypes, description, active, disabledReason,
                consecutiveFailures, encryptedSecret, previousEncryptedSecret, previousValidUntil, deleted, createdAt,
                updatedAt, rotatedAt, version);
    }

    WebhookSubscriptionDocument asDeleted() {
        return new WebhookSubscriptionDocument(id, organizationId, url, eventTypes, description, false, disabledReason,
                consecutiveFailures, encryptedSecret, previousEncryptedSecret, previousValidUntil, true, createdAt,
                updatedAt, secretRotatedAt, version);
    }

    WebhookSubscriptionDocument at(long version, Instant updatedAt) {
        return new WebhookSubscriptionDocument(id, organizationId, url, eventTypes, description, active, disabledReason,
                consecutiveFailures, encryptedSecret, previousEncryptedSecret, previousValidUntil, deleted, createdAt,
                updatedAt, secretRotatedAt, version);
    }

    WebhookSubscriptionView toView(Instant now) {
        Instant previousUntil = previousValidUntil != null && previousValidUntil.isAfter(now) ? previousValidUntil : null;
        return new WebhookSubscriptionView(id, organizationId, url, eventTypes, description, active, disabledReason,
                consecutiveFailures, createdAt, updatedAt, secretRotatedAt, previousUntil, version);
    }

    WebhookTarget toTarget() {
        return new WebhookTarget(id, organizationId, url, active && !deleted, encryptedSecret, previousEncryptedSecret,
                previousValidUntil);
    }
}
