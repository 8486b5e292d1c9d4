package io.keyhook.server.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Buckets kept in PostgreSQL ({@code rate_limit_buckets}) and shared by every instance, through
 * Bucket4j's proxy manager. Going to the database on every request would cost a transaction each,
 * so each instance consumes locally and synchronizes a bucket with the database after
 * {@link #unsynchronized} tokens or {@link #SYNC_INTERVAL}, whichever comes first (Bucket4j's
 * delaying optimization). The price is a bounded overshoot: with n instances, a limit of L per minute
 * lets through at most L + n * unsynchronized(L) requests in a minute. Buckets that are full again
 * expire, and expired rows are removed every minute.
 */
final class SharedBuckets implements Buckets, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedBuckets.class);
    static final Duration SYNC_INTERVAL = Duration.ofMillis(500);
    private static final int CLEANUP_BATCH = 1000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> store;
    private final Cache<String, Bucket> proxies = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(1_000_000).build();
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rate-limit-cleanup");
        thread.setDaemon(true);
        return thread;
    });

    SharedBuckets(DataSource dataSource) {
        this.store = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build();
        cleaner.scheduleWithFixedDelay(this::removeExpired, 1, 1, TimeUnit.MINUTES);
    }

    /** Tokens an instance may take from a bucket of this limit before it tells the database: 2 % of it. */
    static long unsynchronized(long perMinute) {
        return Math.max(1, perMinute / 50);
    }

    /**
     * Bucket4j's batching (under the delaying optimization) can fail the requests that share a
     * bucket's first trip to the database with "bucket does not exist" while another one creates it
     * (bucket4j issue 398); by the next try it exists.
     */
    static <T> T retryingMissingBucket(Supplier<T> operation) {
        for (int attempt = 1; ; attempt++) {
            try {
                return operation.get();
            } catch (RuntimeException e) {
                if (attempt >= MISSING_BUCKET_ATTEMPTS || !causedByMissingBucket(e)) {
                    throw e;
                }
            }
        }
    }

    private static final int MISSING_BUCKET_ATTEMPTS = 5;

    private static boolean causedByMissingBucket(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Bucket perMinute(String id, long perMinute) {
        return proxies.get(id, name -> store.builder()
                .withOptimization(Optimizations.delaying(new DelayParameters(unsynchronized(perMinute), SYNC_INTERVAL)))
                .build(name, () -> BucketConfiguration.builder().addLimit(RateLimits.perMinute(perMinute)).build()));
    }

    @Override
    public Bucket ifUsed(String id) {
        return proxies.getIfPresent(id);
    }

    private void removeExpired() {
        try {
            int removed;
            do {
                removed = store.removeExpired(CLEANUP_BATCH);
            } while (removed == CLEANUP_BATCH);
        } catch (RuntimeException e) {
            log.warn("Could not remove expired rate-limit buckets; trying again in a minute", e);
        }
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
    }
}
