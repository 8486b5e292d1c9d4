package io.keyhook.server.webhook;

import io.keyhook.command.webhook.WebhookSubscription;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.util.Set;

/**
 * The body of create and replace. {@code secret} (create only) is optional: without one, a new
 * {@code whsec_} secret is generated. {@code active} (replace only) defaults to true, which also
 * re-enables a subscription that was disabled.
 */
public record WebhookRequest(@NotBlank @Size(max = 2048) String url,
                             @NotEmpty @Size(max = 20) Set<@NotBlank String> eventTypes,
                             @Size(max = WebhookSubscription.MAX_DESCRIPTION_LENGTH) String description,
                             String secret,
                             Boolean active) {
}
