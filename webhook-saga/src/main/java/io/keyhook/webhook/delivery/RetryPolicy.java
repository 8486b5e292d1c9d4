package io.keyhook.webhook.delivery;

import io.keyhook.webhook.WebhookSettings;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initialDelay * multiplier^(n-1)},
 * capped at {@code maxDelay}, then stretched or shrunk by up to {@code jitter}. A receiver's
 * {@code Retry-After} can make the wait longer, never shorter, and never beyond {@code maxDelay}.
 */
public class RetryPolicy {

    private final WebhookSettings.Retry settings;
    private final DoubleSupplier random;

    public RetryPolicy(WebhookSettings.Retry settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    public int maxRetries() {
        return settings.maxRetries();
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delayBefore(int retry, Long retryAfterSeconds) {
        double base = settings.initialDelay().toMillis() * Math.pow(settings.multiplier(), retry - 1);
        double capped = Math.min(base, settings.maxDelay().toMillis());
        double factor = 1 + settings.jitter() * (2 * random.getAsDouble() - 1);
        long backoff = Math.round(capped * factor);
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            long asked = Math.min(Duration.ofSeconds(retryAfterSeconds).toMillis(), settings.maxDelay().toMillis());
            backoff = Math.max(backoff, asked);
        }
        return Duration.ofMillis(backoff);
    }
}
