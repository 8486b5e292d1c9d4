package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import java.util.Set;

/** Replaces url, event types, description and the active flag; re-enabling a disabled subscription is an update. */
public record UpdateWebhookSubscription(@TargetAggregateIdentifier String subscriptionId, String organizationId,
                                        String url, Set<String> eventTypes, String description, boolean active) {
}
