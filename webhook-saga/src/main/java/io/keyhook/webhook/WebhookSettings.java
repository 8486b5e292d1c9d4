package io.keyhook.webhook;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How webhooks are delivered (the retry schedule is the Delivery's, see {@code RetryPolicy}), bound by
 * the server from {@code keyhook.webhooks.*}. The defaults here are the only ones.
 *
 * @param allowPrivateTargets       whether loopback, private and metadata addresses may be targets (tests, local development)
 * @param connectTimeout            how long connecting to a receiver may take
 * @param timeout                   how long a whole attempt may take, response included
 * @param disableAfterFailures      failed deliveries in a row after which a subscription is disabled
 * @param stuckAfter                how long past its due time a waiting delivery is taken for stuck and redelivered
 * @param stuckSweepInterval        how often the stuck-delivery watchdog looks
 * @param maxConnectionsPerEndpoint how many attempts may be in flight to one receiver (host and port) at a time
 * @param firstAttemptWait          how long the dispatcher waits for first attempts before it records them as started
 *                                  (their outcome is then recorded when it arrives)
 */
public record WebhookSettings(@DefaultValue("false") boolean allowPrivateTargets,
                              @DefaultValue("5s") Duration connectTimeout,
                              @DefaultValue("15s") Duration timeout,
                              @DefaultValue("20") int disableAfterFailures,
                              @DefaultValue("15m") Duration stuckAfter,
                              @DefaultValue("60s") Duration stuckSweepInterval,
                              @DefaultValue("32") int maxConnectionsPerEndpoint,
                              @DefaultValue("2s") Duration firstAttemptWait) {

    /** The settings of an empty configuration. */
    public static WebhookSettings defaults() {
        return new Binder().bindOrCreate("keyhook.webhooks", WebhookSettings.class);
    }

    /** How long after an attempt starts its outcome must be known; past it, the attempt counts as failed. */
    public Duration attemptWatchdog() {
        return timeout.plus(Duration.ofSeconds(45));
    }
}
