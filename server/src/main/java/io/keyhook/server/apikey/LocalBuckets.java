package io.keyhook.server.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;

import java.time.Duration;

/** Buckets in this instance's memory: each instance enforces every limit on its own. */
final class LocalBuckets implements Buckets {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(1_000_000).build();

    @Override
    public Bucket perMinute(String id, long perMinute) {
        return buckets.get(id, name -> Bucket.builder().addLimit(RateLimits.perMinute(perMinute)).build());
    }

    @Override
    public Bucket ifUsed(String id) {
        return buckets.getIfPresent(id);
    }
}
