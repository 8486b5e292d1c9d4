package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import java.time.Duration;

/** The previous secret keeps signing beside the new one for the grace period. */
public record RotateWebhookSecret(@TargetAggregateIdentifier String subscriptionId, String organizationId,
                                  String encryptedSecret, Duration gracePeriod) {
}
