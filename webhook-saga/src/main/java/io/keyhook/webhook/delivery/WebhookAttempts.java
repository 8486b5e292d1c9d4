package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.AttemptResult;
import reactor.core.publisher.Mono;

/** Makes HTTP attempts. */
public interface WebhookAttempts {

    /** One attempt; its result, never an error (a failure to connect or a refusal is a failed result). */
    Mono<AttemptResult> attempt(AttemptRequest request);

    /**
     * Starts one attempt and returns at once; its result is recorded later with a
     * {@code RecordDeliveryAttempt} command.
     */
    void start(AttemptRequest request);
}
