package io.keyhook.command.delivery;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How many times a failed delivery is tried again, and how long it waits before each retry:
 * exponential backoff with jitter. The n-th retry waits {@code initialDelay * multiplier^(n-1)},
 * capped at {@code maxDelay}, then stretched or shrunk by up to {@code jitter}. A receiver's
 * {@code Retry-After} can make the wait longer, never shorter, and never beyond {@code maxDelay}.
 */
public class RetryPolicy {

    /**
     * Bound by the server from {@code keyhook.webhooks.retry.*}; the defaults here are the only ones.
     *
     * @param maxRetries   attempts after the first one
     * @param initialDelay the wait before the first retry
     * @param multiplier   by how much each wait grows
     * @param maxDelay     the longest wait, Retry-After included
     * @param jitter       the fraction by which a wait may randomly be shorter or longer
     */
    public record Backoff(@DefaultValue("3") int maxRetries,
                          @DefaultValue("10s") Duration initialDelay,
                          @DefaultValue("4") double multiplier,
                          @DefaultValue("1h") Duration maxDelay,
                          @DefaultValue("0.2") double jitter) {

        /** The schedule of an empty configuration. */
        public static Backoff defaults() {
            return new Binder().bindOrCreate("keyhook.webhooks.retry", Backoff.class);
        }
    }

    private final Backoff settings;
    private final DoubleSupplier random;

    public RetryPolicy(Backoff settings, DoubleSupplier random) {
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
