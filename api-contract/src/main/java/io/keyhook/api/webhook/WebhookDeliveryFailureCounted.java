package io.keyhook.api.webhook;

public record WebhookDeliveryFailureCounted(String subscriptionId, String organizationId, String deliveryId,
                                            int consecutiveFailures) {
}
