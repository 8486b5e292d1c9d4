package io.keyhook.api.webhook;

import java.util.List;
import java.util.Optional;

/**
 * The subscriptions webhooks go to, answered from memory in the process that delivers them: looked
 * up for every event and every attempt, so never a query to the read-model store. Kept current by
 * the subscription events (as current as the {@code webhook-subscriptions} read model).
 */
public interface WebhookTargetDirectory {

    /** The active subscriptions of the organization that asked for the event type. */
    List<WebhookTarget> targetsFor(String organizationId, String eventType);

    /** The subscription, active or not, unless it was deleted. */
    Optional<WebhookTarget> target(String subscriptionId);
}
