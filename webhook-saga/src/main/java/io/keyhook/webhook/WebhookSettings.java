package io.keyhook.webhook;

import java.time.Duration;

/**
 * How webhooks are delivered.
 *
 * @param retry                how failed attempts are retried
 * @param allowPrivateTargets  whether loopback, private and metadata addresses may be targets (tests, local development)
 * @param connectTimeout       how long connecting to a receiver may take
 * @param timeout              how long a whole attempt may take, response included
 * @param disableAfterFailures failed deliveries in a row after which a subscription is disabled
 * @param stuckAfter           how long past its due time a waiting delivery is taken for stuck and redelivered
 */
public record WebhookSettings(Retry retry, boolean allowPrivateTargets, Duration connectTimeout, Duration timeout,
                              int disableAfterFailures, Duration stuckAfter) {

    /**
     * @param maxRetries   attempts after the first one
     * @param initialDelay the wait before the first retry
     * @param multiplier   by how much each wait grows
     * @param maxDelay     the longest wait, Retry-After included
     * @param jitter       the fraction by which a wait may randomly be shorter or longer
     */
    public record Retry(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(new Retry(3, Duration.ofSeconds(10), 4, Duration.ofHours(1), 0.2), false,
                Duration.ofSeconds(5), Duration.ofSeconds(15), 20, Duration.ofMinutes(15));
    }

    /** How long after an attempt starts its outcome must be known; past it, the attempt counts as failed. */
    public Duration attemptWatchdog() {
        return timeout.plus(Duration.ofSeconds(45));
    }
}
