package io.keyhook.command.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy.Backoff defaults = RetryPolicy.Backoff.defaults();

    @Test
    void growsByTheMultiplierWithinTheJitterBounds() {
        RetryPolicy policy = new RetryPolicy(defaults, new Random(42)::nextDouble);

        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.delayBefore(1, null)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
            assertThat(policy.delayBefore(2, null)).isBetween(Duration.ofSeconds(32), Duration.ofSeconds(48));
            assertThat(policy.delayBefore(3, null)).isBetween(Duration.ofSeconds(128), Duration.ofSeconds(192));
        }
    }

    @Test
    void neverWaitsLongerThanTheMaximum() {
        RetryPolicy policy = new RetryPolicy(defaults, () -> 0.5);

        assertThat(policy.delayBefore(10, null)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void retryAfterCanOnlyLengthenTheWaitUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(defaults, () -> 0.5);

        assertThat(policy.delayBefore(1, 2L)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBefore(1, 120L)).isEqualTo(Duration.ofSeconds(120));
        assertThat(policy.delayBefore(1, 86_400L)).isEqualTo(Duration.ofHours(1));
    }
}
