package io.keyhook.server.apikey;

import io.github.bucket4j.Bucket;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances' shared buckets on one PostgreSQL (the application's): a limit hammered through both
 * lets through no more than the limit, plus what each may take before it synchronizes, plus what
 * refilled meanwhile.
 */
class SharedBucketsTest extends KeyhookAppTest {

    @Autowired
    private DataSource dataSource;

    @Test
    void aLimitHammeredThroughTwoInstancesOvershootsByAtMostWhatEachTakesUnsynchronized() {
        long limit = 100;
        String id = "key:" + UUID.randomUUID() + ":read:" + limit;
        try (SharedBuckets first = new SharedBuckets(dataSource); SharedBuckets second = new SharedBuckets(dataSource)) {
            List<Bucket> instances = List.of(first.perMinute(id, limit), second.perMinute(id, limit));
            long started = System.nanoTime();
            int allowed = 0;
            for (int attempt = 0; attempt < 4 * limit; attempt++) {
                if (instances.get(attempt % 2).tryConsume(1)) {
                    allowed++;
                }
            }
            long refilled = (System.nanoTime() - started) * limit / 60_000_000_000L + 1;
            assertThat(allowed).isGreaterThanOrEqualTo((int) limit)
                    .isLessThanOrEqualTo((int) (limit + 2 * SharedBuckets.unsynchronized(limit) + refilled));
        }
    }

    @Test
    void concurrentFirstRequestsOnNewBucketsAllGetAnAnswer() throws Exception {
        ExecutorService requests = Executors.newFixedThreadPool(8);
        try (SharedBuckets shared = new SharedBuckets(dataSource)) {
            List<Callable<Boolean>> firsts = new ArrayList<>();
            for (int key = 0; key < 20; key++) {
                String id = "key:" + UUID.randomUUID() + ":read:100";
                for (int request = 0; request < 8; request++) {
                    firsts.add(() -> SharedBuckets.retryingMissingBucket(() -> shared.perMinute(id, 100).tryConsume(1)));
                }
            }
            for (Future<Boolean> answer : requests.invokeAll(firsts)) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void failuresRecordedOnOneInstanceLockTheAddressOutOnTheOther() {
        String id = "failed-auth:" + UUID.randomUUID();
        long limit = 10;
        try (SharedBuckets first = new SharedBuckets(dataSource); SharedBuckets second = new SharedBuckets(dataSource)) {
            Bucket onFirst = first.perMinute(id, limit);
            for (int failure = 0; failure < limit; failure++) {
                assertThat(onFirst.tryConsume(1)).isTrue();
            }
            Bucket onSecond = second.perMinute(id, limit);
            int moreOnSecond = 0;
            while (moreOnSecond <= limit && onSecond.tryConsume(1)) {
                moreOnSecond++;
            }
            assertThat(moreOnSecond).as("what the second instance still lets through after the first one's failures")
                    .isLessThanOrEqualTo((int) (2 * SharedBuckets.unsynchronized(limit)));
        }
    }
}
