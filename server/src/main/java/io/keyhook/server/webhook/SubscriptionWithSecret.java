package io.keyhook.server.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.keyhook.api.webhook.WebhookSubscriptionView;

import java.util.List;

/**
 * A subscription as create, replace and rotation answer it: the signing secret only after create
 * and rotation (once), and warnings about the URL, if any.
 */
public record SubscriptionWithSecret(String secret, @JsonUnwrapped WebhookSubscriptionView subscription,
                                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    @Override
    public String toString() {
        return "SubscriptionWithSecret[" + subscription + "]";
    }
}
