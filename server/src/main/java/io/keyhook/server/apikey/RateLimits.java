package io.keyhook.server.apikey;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.keyhook.server.infra.KeyhookProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Token buckets (Bucket4j): per key and request class (reads, writes; a key's own
 * {@code rateLimitPerMinute} replaces both defaults), and per client address for failed
 * authentications. In this instance's memory by default ({@link LocalBuckets}: limits per
 * instance), or shared by every instance in PostgreSQL ({@link SharedBuckets}) with
 * {@code keyhook.api-keys.shared-rate-limits}.
 */
@Component
public class RateLimits implements DisposableBean {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    public record Verdict(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final KeyhookProperties.ApiKeys settings;
    private final Buckets buckets;

    public RateLimits(KeyhookProperties properties, ObjectProvider<DataSource> dataSource) {
        this.settings = properties.apiKeys();
        if (settings.sharedRateLimits()) {
            DataSource shared = dataSource.getIfAvailable();
            if (shared == null) {
                throw new IllegalStateException("keyhook.api-keys.shared-rate-limits needs the PostgreSQL store;"
                        + " this profile has none");
            }
            this.buckets = new SharedBuckets(shared);
        } else {
            this.buckets = new LocalBuckets();
        }
    }

    /** Whether taking a token may wait for the database (then it must not run on an event loop). */
    boolean mayBlock() {
        return buckets instanceof SharedBuckets;
    }

    Verdict consume(String keyId, boolean read, Integer perKeyLimit) {
        long limit = perKeyLimit != null ? perKeyLimit : read ? settings.readPerMinute() : settings.writePerMinute();
        Bucket bucket = buckets.perMinute("key:" + keyId + (read ? ":read:" : ":write:") + limit, limit);
        ConsumptionProbe probe = SharedBuckets.retryingMissingBucket(() -> bucket.tryConsumeAndReturnRemaining(1));
        long remaining = probe.getRemainingTokens();
        long resetSeconds = ceilSeconds((limit - remaining) * WINDOW.toNanos() / limit);
        long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return new Verdict(probe.isConsumed(), limit, remaining, resetSeconds, retryAfter);
    }

    /** Seconds until this address may try again, or 0 if it has failed authentication few enough times. */
    long failureLockout(String clientAddress) {
        Bucket bucket = buckets.ifUsed(failures(clientAddress));
        if (bucket == null || SharedBuckets.retryingMissingBucket(bucket::getAvailableTokens) > 0) {
            return 0;
        }
        return Math.max(1, ceilSeconds(SharedBuckets.retryingMissingBucket(() -> bucket.estimateAbilityToConsume(1))
                .getNanosToWaitForRefill()));
    }

    void recordFailure(String clientAddress) {
        Bucket bucket = buckets.perMinute(failures(clientAddress), settings.failedAuthPerMinute());
        SharedBuckets.retryingMissingBucket(() -> bucket.tryConsume(1));
    }

    private static String failures(String clientAddress) {
        return "failed-auth:" + clientAddress;
    }

    static Bandwidth perMinute(long limit) {
        return Bandwidth.builder().capacity(limit).refillGreedy(limit, WINDOW).build();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    @Override
    public void destroy() {
        if (buckets instanceof SharedBuckets shared) {
            shared.close();
        }
    }
}
