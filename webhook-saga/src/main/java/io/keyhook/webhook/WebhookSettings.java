package io.keyhook.webhook;

import java.time.Duration;

/**
 * How webhooks are delivered (the retry schedule is the Delivery's, see {@code RetryPolicy}).
 *
 * @param allowPrivateTargets       whether loopback, private and metadata addresses may be targets (tests, local development)
 * @param connectTimeout            how long connecting to a receiver may take
 * @param timeout                   how long a whole attempt may take, response included
 * @param disableAfterFailures      failed deliveries in a row after which a subscription is disabled
 * @param stuckAfter                how long past its due time a waiting delivery is taken for stuck and redelivered
 * @param maxConnectionsPerEndpoint how many attempts may be in flight to one receiver (host and port) at a time
 * @param firstAttemptWait          how long the dispatcher waits for first attempts before it records them as started
 *                                  (their outcome is then recorded when it arrives)
 */
public record WebhookSettings(boolean allowPrivateTargets, Duration connectTimeout, Duration timeout,
                              int disableAfterFailures, Duration stuckAfter, int maxConnectionsPerEndpoint,
                              Duration firstAttemptWait) {

    public static WebhookSettings defaults() {
        return new WebhookSettings(false, Duration.ofSeconds(5), Duration.ofSeconds(15), 20, Duration.ofMinutes(15),
                32, Duration.ofSeconds(2));
    }

    /** How long after an attempt starts its outcome must be known; past it, the attempt counts as failed. */
    public Duration attemptWatchdog() {
        return timeout.plus(Duration.ofSeconds(45));
    }
}
