package io.keyhook.server.infra;

import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentAppendRetriesTest {

    private final GenericCommandMessage<String> command = new GenericCommandMessage<>("AdjustStock");

    @Test
    void aCommandThatCollidedWithAnotherInstancesAppendIsSentAgain() throws InterruptedException {
        try (ConcurrentAppendRetries retries = new ConcurrentAppendRetries()) {
            CountDownLatch sent = new CountDownLatch(1);
            boolean scheduled = retries.scheduleRetry(command,
                    new CommandExecutionException("append failed", new ConcurrencyException("sequence 3 exists")),
                    failures(1), sent::countDown);
            assertThat(scheduled).isTrue();
            assertThat(sent.await(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(retries.scheduleRetry(command, new AggregateStreamCreationException("exists"), failures(1),
                    () -> { })).as("two instances creating one aggregate").isTrue();
        }
    }

    @Test
    void anyOtherFailureIsAnsweredAtOnceAndCollisionsStopAfterTheLastRetry() {
        try (ConcurrentAppendRetries retries = new ConcurrentAppendRetries()) {
            assertThat(retries.scheduleRetry(command, new IllegalArgumentException("quantity below zero"),
                    failures(1), () -> { })).isFalse();
            assertThat(retries.scheduleRetry(command, new ConcurrencyException("again"),
                    failures(ConcurrentAppendRetries.MAX_RETRIES + 1), () -> { })).isFalse();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Throwable>[]> failures(int count) {
        List<Class<? extends Throwable>[]> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            failures.add(new Class[]{ConcurrencyException.class});
        }
        return failures;
    }
}
