package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import java.util.Set;

/** Carries the signing secret encrypted only. */
public record CreateWebhookSubscription(@TargetAggregateIdentifier String subscriptionId, String organizationId,
                                        String url, Set<String> eventTypes, String description,
                                        String encryptedSecret, String createdBy) {
}
