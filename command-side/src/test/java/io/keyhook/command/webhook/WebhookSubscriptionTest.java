package io.keyhook.command.webhook;

import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.webhook.CreateWebhookSubscription;
import io.keyhook.api.webhook.DisableWebhookSubscription;
import io.keyhook.api.webhook.RecordDeliveryOutcome;
import io.keyhook.api.webhook.RotateWebhookSecret;
import io.keyhook.api.webhook.SendTestWebhook;
import io.keyhook.api.webhook.TestWebhookRequested;
import io.keyhook.api.webhook.UpdateWebhookSubscription;
import io.keyhook.api.webhook.WebhookDeliveryFailureCounted;
import io.keyhook.api.webhook.WebhookDeliveryFailuresCleared;
import io.keyhook.api.webhook.WebhookSecretRotated;
import io.keyhook.api.webhook.WebhookSubscriptionCreated;
import io.keyhook.api.webhook.WebhookSubscriptionDeleted;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.api.webhook.WebhookSubscriptionUpdated;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

class WebhookSubscriptionTest {

    private static final String SUB = "sub-1";
    private static final String ORG = "org-1";
    private static final String URL = "https://hooks.example.com/keyhook";
    private static final Set<String> TYPES = new TreeSet<>(Set.of("item.created"));
    private static final WebhookSubscriptionCreated CREATED = new WebhookSubscriptionCreated(SUB, ORG, URL, TYPES, null,
            "v1.sealed", "user-1");

    private AggregateTestFixture<WebhookSubscription> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(WebhookSubscription.class);
    }

    @Test
    void createsWithCatalogTypesOnly() {
        fixture.givenNoPriorActivity()
                .when(new CreateWebhookSubscription(SUB, ORG, URL, Set.of("item.created"), null, "v1.sealed", "user-1"))
                .expectEvents(CREATED);
        fixture.givenNoPriorActivity()
                .when(new CreateWebhookSubscription(SUB, ORG, URL, Set.of("item.exploded"), null, "v1.sealed", "user-1"))
                .expectExceptionDetails(ErrorCode.INVALID);
    }

    @Test
    void rotationKeepsThePreviousSecretForTheGracePeriod() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        fixture.givenCurrentTime(now)
                .andGiven(CREATED)
                .when(new RotateWebhookSecret(SUB, ORG, "v1.next", Duration.ofHours(24)))
                .expectEvents(new WebhookSecretRotated(SUB, ORG, "v1.next", "v1.sealed", now.plus(Duration.ofHours(24))));
    }

    @Test
    void theCircuitBreakerDisablesAtTheThresholdAndCountsEachDeliveryOnce() {
        fixture.given(CREATED, new WebhookDeliveryFailureCounted(SUB, ORG, "d1", 1))
                .when(new RecordDeliveryOutcome(SUB, "d2", false, 2))
                .expectEvents(new WebhookDeliveryFailureCounted(SUB, ORG, "d2", 2),
                        new WebhookSubscriptionDisabled(SUB, ORG, "2 deliveries in a row failed"));
        fixture.given(CREATED, new WebhookDeliveryFailureCounted(SUB, ORG, "d1", 1))
                .when(new RecordDeliveryOutcome(SUB, "d1", false, 2))
                .expectNoEvents();
    }

    @Test
    void aSuccessResetsTheCount() {
        fixture.given(CREATED, new WebhookDeliveryFailureCounted(SUB, ORG, "d1", 1))
                .when(new RecordDeliveryOutcome(SUB, "d2", true, 20))
                .expectEvents(new WebhookDeliveryFailuresCleared(SUB, ORG));
        fixture.given(CREATED)
                .when(new RecordDeliveryOutcome(SUB, "d2", true, 20))
                .expectNoEvents();
    }

    @Test
    void goneDisablesOnceAndAnUpdateReEnables() {
        fixture.given(CREATED)
                .when(new DisableWebhookSubscription(SUB, ORG, "the receiver answered 410 Gone"))
                .expectEvents(new WebhookSubscriptionDisabled(SUB, ORG, "the receiver answered 410 Gone"));
        fixture.given(CREATED, new WebhookSubscriptionDisabled(SUB, ORG, "gone"))
                .when(new DisableWebhookSubscription(SUB, ORG, "gone"))
                .expectNoEvents();
        fixture.given(CREATED, new WebhookSubscriptionDisabled(SUB, ORG, "gone"))
                .when(new UpdateWebhookSubscription(SUB, ORG, URL, TYPES, null, true))
                .expectEvents(new WebhookSubscriptionUpdated(SUB, ORG, URL, TYPES, null, true));
    }

    @Test
    void aDeletedOrForeignSubscriptionIsNotFound() {
        fixture.given(CREATED, new WebhookSubscriptionDeleted(SUB, ORG))
                .when(new UpdateWebhookSubscription(SUB, ORG, URL, TYPES, null, true))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
        fixture.given(CREATED)
                .when(new RotateWebhookSecret(SUB, "org-2", "v1.next", Duration.ZERO))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }

    @Test
    void aTestIsSentOnlyToAnActiveSubscriptionOfTheCaller() {
        fixture.given(CREATED)
                .when(new SendTestWebhook(SUB, ORG, "event-1"))
                .expectEvents(new TestWebhookRequested(SUB, ORG, "event-1"));
        fixture.given(CREATED, new WebhookSubscriptionDisabled(SUB, ORG, "gone"))
                .when(new SendTestWebhook(SUB, ORG, "event-2"))
                .expectNoEvents()
                .expectExceptionDetails(ErrorCode.SUBSCRIPTION_DISABLED);
        fixture.given(CREATED)
                .when(new SendTestWebhook(SUB, "org-2", "event-3"))
                .expectNoEvents()
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }
}
