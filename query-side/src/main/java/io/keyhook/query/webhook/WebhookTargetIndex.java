package io.keyhook.query.webhook;

import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.api.webhook.WebhookTargetDirectory;
import io.keyhook.query.common.ReadModelRebuilt;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.keyhook.query.common.Blocking.await;

/**
 * The webhook subscriptions in memory: loaded from the read model on first use, then kept current by
 * {@link WebhookSubscriptionProjection} with every document it writes. A document replaces the one
 * held only if it is newer, so the first load and the projection may run at the same time. Reads
 * take no lock. After a rebuild of the read model the index is loaded again aside and swapped in
 * whole, so the dispatcher never sees it empty.
 */
@Component
public class WebhookTargetIndex implements WebhookTargetDirectory {

    /** A deleted subscription stays as a tombstone, so that an older document cannot bring it back. */
    private record Entry(WebhookTarget target, Set<String> eventTypes, boolean deleted, long version) {
    }

    private static final class Entries {
        final Map<String, Entry> bySubscription = new ConcurrentHashMap<>();
        final Map<String, Map<String, Entry>> byOrganization = new ConcurrentHashMap<>();
    }

    private final WebhookSubscriptionRepository subscriptions;
    private volatile Entries entries = new Entries();
    private volatile boolean loaded;

    public WebhookTargetIndex(WebhookSubscriptionRepository subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Override
    public List<WebhookTarget> targetsFor(String organizationId, String eventType) {
        load();
        Map<String, Entry> ofOrganization = entries.byOrganization.get(organizationId);
        if (ofOrganization == null) {
            return List.of();
        }
        return ofOrganization.values().stream()
                .filter(entry -> entry.target().active() && entry.eventTypes().contains(eventType))
                .map(Entry::target)
                .toList();
    }

    @Override
    public Optional<WebhookTarget> target(String subscriptionId) {
        load();
        return Optional.ofNullable(entries.bySubscription.get(subscriptionId)).filter(entry -> !entry.deleted())
                .map(Entry::target);
    }

    /** Takes the document as the read model now holds it. */
    void put(WebhookSubscriptionDocument document) {
        put(entries, document);
    }

    private static void put(Entries into, WebhookSubscriptionDocument document) {
        into.bySubscription.compute(document.id(), (id, held) -> {
            if (held != null && held.version() > document.version()) {
                return held;
            }
            Map<String, Entry> ofOrganization = into.byOrganization.computeIfAbsent(document.organizationId(),
                    organization -> new ConcurrentHashMap<>());
            Entry entry = new Entry(document.toTarget(), Set.copyOf(document.eventTypes()), document.deleted(),
                    document.version());
            if (entry.deleted()) {
                ofOrganization.remove(id);
            } else {
                ofOrganization.put(id, entry);
            }
            return entry;
        });
    }

    void clear() {
        entries = new Entries();
    }

    /** Runs while the projection is paused, so no document is written while the index is read again. */
    @EventListener
    public synchronized void on(ReadModelRebuilt rebuilt) {
        if (WebhookSubscriptionProjection.GROUP.equals(rebuilt.processingGroup())) {
            entries = read();
            loaded = true;
        }
    }

    private void load() {
        if (loaded) {
            return;
        }
        synchronized (this) {
            if (!loaded) {
                Entries current = entries;
                await(subscriptions.findAll().doOnNext(document -> put(current, document)).then());
                loaded = true;
            }
        }
    }

    private Entries read() {
        Entries fresh = new Entries();
        await(subscriptions.findAll().doOnNext(document -> put(fresh, document)).then());
        return fresh;
    }
}
