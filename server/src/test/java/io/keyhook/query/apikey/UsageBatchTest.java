package io.keyhook.query.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.FindApiKeyUsage;
import io.keyhook.api.apikey.FindDailyUsage;
import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageReason;
import io.keyhook.query.ProjectionTestKit;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage audit over a real embedded MongoDB server. An event that commits after a later one
 * leaves a gap in the stream; when it arrives, its tracking token is at the position of the latest
 * event seen, which that event's token has too. Both attempts must be in the trail and in the day's
 * counts, and a batch handled again (after a crash) must add nothing.
 */
class UsageBatchTest {

    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    private ProjectionTestKit kit;
    private UsageProjection projection;
    private AnnotationEventHandlerAdapter handlers;

    @BeforeEach
    void start() {
        kit = new ProjectionTestKit();
        projection = new UsageProjection(kit.mongo(), kit.repository(DailyUsageRepository.class));
        handlers = new AnnotationEventHandlerAdapter(projection);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void anEventThatFillsAGapIsAuditedAndCountedOnce() throws Exception {
        EventMessage<?> first = tracked(GapAwareTrackingToken.newInstance(5, Set.of()), used("/api/v1/items", 1));
        EventMessage<?> later = tracked(GapAwareTrackingToken.newInstance(7, Set.of(6L)), used("/api/v1/items/a", 2));
        EventMessage<?> gapFiller = tracked(GapAwareTrackingToken.newInstance(7, Set.of()),
                used("/api/v1/items/b", 3));
        EventMessage<?> refused = tracked(GapAwareTrackingToken.newInstance(8, Set.of()),
                new ApiKeyUsageRecorded("key-1", "org", "kh_abc", T0.plusMillis(4), "GET", "/api/v1/items", "127.0.0.1",
                        null, UsageReason.RATE_LIMITED, "limit used up"));

        handleInBatch(List.of(first, later));
        handleInBatch(List.of(gapFiller, refused));

        assertThat(trail()).extracting(UsageEntry::path)
                .containsExactlyInAnyOrder("/api/v1/items", "/api/v1/items/a", "/api/v1/items/b", "/api/v1/items");
        assertThat(days()).singleElement().satisfies(day -> {
            assertThat(day.allowed()).isEqualTo(3);
            assertThat(day.denied()).isEqualTo(1);
        });

        handleInBatch(List.of(later, gapFiller, refused));
        assertThat(trail()).as("a batch handled again").hasSize(4);
        assertThat(days()).singleElement().satisfies(day -> {
            assertThat(day.allowed()).isEqualTo(3);
            assertThat(day.denied()).isEqualTo(1);
        });
    }

    private List<UsageEntry> trail() throws Exception {
        return projection.handle(new FindApiKeyUsage("org", "key-1", null, null, null, 0, 100)).get().entries();
    }

    private List<DailyUsage> days() throws Exception {
        return projection.handle(new FindDailyUsage("org", "key-1")).get();
    }

    private void handleInBatch(List<EventMessage<?>> events) {
        ProjectionTestKit.handleInBatch(handlers, events);
    }

    private static ApiKeyUsageRecorded used(String path, int millis) {
        return new ApiKeyUsageRecorded("key-1", "org", "kh_abc", T0.plusMillis(millis), "GET", path, "127.0.0.1",
                "curl/8", UsageReason.OK, null);
    }

    private static EventMessage<?> tracked(TrackingToken token, Object payload) {
        return new GenericTrackedEventMessage<>(token,
                new GenericEventMessage<>(UUID.randomUUID().toString(), payload, MetaData.emptyInstance(), T0));
    }
}
