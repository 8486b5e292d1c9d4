package io.keyhook.api.apikey;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Duration;

/** A new secret for the same key id; the previous one keeps working for {@code gracePeriod}. */
public record RotateApiKey(@TargetAggregateIdentifier String keyId, String organizationId, String prefix,
                           String lookup, String verifier, Duration gracePeriod) {
}
