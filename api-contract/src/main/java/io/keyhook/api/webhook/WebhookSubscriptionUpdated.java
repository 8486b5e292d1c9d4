package io.keyhook.api.webhook;

import java.util.Set;

public record WebhookSubscriptionUpdated(String subscriptionId, String organizationId, String url,
                                         Set<String> eventTypes, String description, boolean active) {
}
