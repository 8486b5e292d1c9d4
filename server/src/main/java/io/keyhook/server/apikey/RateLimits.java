package io.keyhook.server.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.keyhook.server.infra.KeyhookProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Token buckets (Bucket4j), held in this instance's memory: per key and request class (reads, writes;
 * a key's own {@code rateLimitPerMinute} replaces both defaults), and per client address for failed
 * authentications. Limits are therefore per instance.
 */
@Component
public class RateLimits {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    public record Verdict(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final KeyhookProperties.ApiKeys settings;
    private final Cache<String, Bucket> keyBuckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(500_000).build();
    private final Cache<String, Bucket> failureBuckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(500_000).build();

    public RateLimits(KeyhookProperties properties) {
        this.settings = properties.apiKeys();
    }

    Verdict consume(String keyId, boolean read, Integer perKeyLimit) {
        long limit = perKeyLimit != null ? perKeyLimit : read ? settings.readPerMinute() : settings.writePerMinute();
        String bucketId = keyId + (read ? ":read:" : ":write:") + limit;
        Bucket bucket = keyBuckets.get(bucketId, id -> perMinute(limit));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long remaining = probe.getRemainingTokens();
        long resetSeconds = ceilSeconds((limit - remaining) * WINDOW.toNanos() / limit);
        long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return new Verdict(probe.isConsumed(), limit, remaining, resetSeconds, retryAfter);
    }

    /** Seconds until this address may try again, or 0 if it has failed authentication few enough times. */
    long failureLockout(String clientAddress) {
        Bucket bucket = failureBuckets.getIfPresent(clientAddress);
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return 0;
        }
        return Math.max(1, ceilSeconds(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    }

    void recordFailure(String clientAddress) {
        failureBuckets.get(clientAddress, address -> perMinute(settings.failedAuthPerMinute())).tryConsume(1);
    }

    private static Bucket perMinute(long limit) {
        return Bucket.builder().addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, WINDOW)).build();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
