package io.keyhook.server.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.keyhook.api.webhook.WebhookSubscriptionView;

import java.util.List;

/** The only answers that carry a signing secret: after create and rotation, once. */
public record SubscriptionWithSecret(String secret, @JsonUnwrapped WebhookSubscriptionView subscription,
                                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    @Override
    public String toString() {
        return "SubscriptionWithSecret[" + subscription + "]";
    }
}
