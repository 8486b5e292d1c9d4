package io.keyhook.webhook.delivery;

/**
 * Starts one HTTP attempt and returns at once; the outcome comes back later as a
 * {@code RecordDeliveryAttempt} command carrying the attempt number.
 */
public interface WebhookAttempts {

    void start(AttemptRequest request);
}
