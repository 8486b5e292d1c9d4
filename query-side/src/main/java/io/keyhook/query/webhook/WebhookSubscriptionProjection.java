package io.keyhook.query.webhook;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.webhook.FindWebhookSubscription;
import io.keyhook.api.webhook.FindWebhookSubscriptions;
import io.keyhook.api.webhook.WebhookDeliveryFailureCounted;
import io.keyhook.api.webhook.WebhookDeliveryFailuresCleared;
import io.keyhook.api.webhook.WebhookSecretRotated;
import io.keyhook.api.webhook.WebhookSubscriptionCreated;
import io.keyhook.api.webhook.WebhookSubscriptionDeleted;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.api.webhook.WebhookSubscriptionPage;
import io.keyhook.api.webhook.WebhookSubscriptionUpdated;
import io.keyhook.api.webhook.WebhookSubscriptionView;
import io.keyhook.query.common.Republishing;
import io.keyhook.query.common.VersionedUpdates;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static io.keyhook.query.common.Blocking.await;
import static io.keyhook.query.common.ProjectedVersions.announce;
import static io.keyhook.query.common.Republished.atVersion;

/** Webhook subscriptions: what the API lists, and where the dispatcher and the sender deliver. */
@Component
@ProcessingGroup(WebhookSubscriptionProjection.GROUP)
public class WebhookSubscriptionProjection implements Republishing {

    public static final String GROUP = "webhook-subscriptions";
    private static final Sort LISTING_ORDER = Sort.by("createdAt", "id");

    private final WebhookSubscriptionRepository subscriptions;
    private final QueryUpdateEmitter emitter;
    private final Clock clock;
    private final WebhookTargetIndex targets;

    public WebhookSubscriptionProjection(WebhookSubscriptionRepository subscriptions, QueryUpdateEmitter emitter,
                                         Clock clock, WebhookTargetIndex targets) {
        this.subscriptions = subscriptions;
        this.emitter = emitter;
        this.clock = clock;
        this.targets = targets;
    }

    @EventHandler
    void on(WebhookSubscriptionCreated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        WebhookSubscriptionDocument existing = await(subscriptions.findById(event.subscriptionId()));
        if (existing == null || existing.version() < sequence) {
            targets.put(await(subscriptions.save(new WebhookSubscriptionDocument(event.subscriptionId(),
                    event.organizationId(), event.url(), event.eventTypes(), event.description(), true, null, 0,
                    event.encryptedSecret(), null, null, false, at, at, null, sequence))));
        }
        announce(emitter, FindProjectedVersion.WEBHOOKS, event.subscriptionId(), sequence);
    }

    @EventHandler
    void on(WebhookSubscriptionUpdated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, subscription -> {
            boolean reEnabled = event.active() && !subscription.active();
            return subscription.with(event.url(), event.eventTypes(), event.description(), event.active(),
                    event.active() ? null : subscription.disabledReason(),
                    reEnabled ? 0 : subscription.consecutiveFailures());
        });
    }

    @EventHandler
    void on(WebhookSubscriptionDeleted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, WebhookSubscriptionDocument::asDeleted);
    }

    @EventHandler
    void on(WebhookSecretRotated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, subscription -> subscription.withSecret(event.encryptedSecret(),
                event.previousEncryptedSecret(), event.previousValidUntil(), at));
    }

    @EventHandler
    void on(WebhookSubscriptionDisabled event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, subscription -> subscription.with(subscription.url(),
                subscription.eventTypes(), subscription.description(), false, event.reason(),
                subscription.consecutiveFailures()));
    }

    @EventHandler
    void on(WebhookDeliveryFailureCounted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, subscription -> subscription.with(subscription.url(),
                subscription.eventTypes(), subscription.description(), subscription.active(),
                subscription.disabledReason(), event.consecutiveFailures()));
    }

    @EventHandler
    void on(WebhookDeliveryFailuresCleared event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.subscriptionId(), sequence, at, subscription -> subscription.with(subscription.url(),
                subscription.eventTypes(), subscription.description(), subscription.active(),
                subscription.disabledReason(), 0));
    }

    @ResetHandler
    void reset() {
        await(subscriptions.deleteAll());
        targets.clear();
    }

    private void change(String id, long sequence, Instant at, UnaryOperator<WebhookSubscriptionDocument> change) {
        VersionedUpdates.apply(subscriptions, id, sequence, subscription -> change.apply(subscription).at(sequence, at))
                .ifPresent(targets::put);
        announce(emitter, FindProjectedVersion.WEBHOOKS, id, sequence);
    }

    @Override
    public Set<String> republish(Map<String, Long> wantedVersions) {
        return atVersion(wantedVersions, subscriptions.findAllById(wantedVersions.keySet()),
                WebhookSubscriptionDocument::id, subscription -> {
                    targets.put(subscription);
                    announce(emitter, FindProjectedVersion.WEBHOOKS, subscription.id(), subscription.version());
                });
    }

    @QueryHandler
    CompletableFuture<WebhookSubscriptionView> handle(FindWebhookSubscription query) {
        Instant now = clock.instant();
        return subscriptions.findVisible(query.subscriptionId(), query.organizationId())
                .map(subscription -> subscription.toView(now))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<WebhookSubscriptionPage> handle(FindWebhookSubscriptions query) {
        Instant now = clock.instant();
        var page = PageRequest.of(query.page(), query.size(), LISTING_ORDER);
        return subscriptions.findByOrganizationIdAndDeletedFalse(query.organizationId(), page)
                .map(subscription -> subscription.toView(now))
                .collectList()
                .zipWith(subscriptions.countByOrganizationIdAndDeletedFalse(query.organizationId()))
                .map(result -> new WebhookSubscriptionPage(result.getT1(), query.page(), query.size(), result.getT2()))
                .toFuture();
    }

    @QueryHandler(queryName = FindProjectedVersion.WEBHOOKS)
    CompletableFuture<Long> handle(FindProjectedVersion query) {
        return subscriptions.findById(query.aggregateId()).map(WebhookSubscriptionDocument::version)
                .defaultIfEmpty(-1L).toFuture();
    }
}
