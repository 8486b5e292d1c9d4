package io.keyhook.api.webhook;

import java.util.Set;

public record WebhookSubscriptionCreated(String subscriptionId, String organizationId, String url,
                                         Set<String> eventTypes, String description, String encryptedSecret,
                                         String createdBy) {
}
