package io.keyhook.api.webhook;

import java.util.List;

public record WebhookSubscriptionPage(List<WebhookSubscriptionView> subscriptions, int page, int size, long total) {
}
