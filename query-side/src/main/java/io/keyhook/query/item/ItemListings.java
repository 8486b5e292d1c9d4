package io.keyhook.query.item;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemPage;
import io.keyhook.api.item.ItemView;
import io.keyhook.query.common.FollowedUpdates;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The item listing of each organization, held in memory: a page is a slice of it, with no storage
 * round trip. The whole listing is read from the read model on first use and dropped on every change
 * to one of its items: {@link ItemProjection} drops it before it announces the change's version (so
 * a write that answered is in the next listing of this instance), and pushes the organization to
 * {@link WatchItemListings} subscribers, the listings of every other instance.
 * <p>An organization with more than {@link #MAX_HELD_ITEMS} items is listed from the read model page
 * by page. A listing is also dropped {@link #MAX_AGE} after it was read, which bounds how far another
 * instance can lag should its update stream fail.
 */
@Component
public class ItemListings implements SmartLifecycle {

    static final int MAX_HELD_ITEMS = 1_000;
    static final Duration MAX_AGE = Duration.ofSeconds(10);
    static final Sort LISTING_ORDER = Sort.by("createdAt", "id");
    private static final long MAX_HELD_TOTAL = 500_000;
    /** Stands for an organization whose listing is too long to hold. */
    private static final Listing TOO_LONG = new Listing(List.of());

    /** An organization's items that are not deleted, in listing order. */
    private record Listing(List<ItemView> items) {
    }

    private final ItemRepository items;
    private final QueryGateway queries;
    private final Cache<String, Listing> byOrganization = Caffeine.newBuilder()
            .maximumWeight(MAX_HELD_TOTAL)
            .weigher((String organizationId, Listing listing) -> listing.items().size() + 1)
            .expireAfterWrite(MAX_AGE)
            .build();
    /** Counts changes, so a listing read while one happened is not kept. */
    private final AtomicLong changes = new AtomicLong();
    private volatile Disposable subscription;
    private volatile boolean running;

    public ItemListings(ItemRepository items, QueryGateway queries) {
        this.items = items;
        this.queries = queries;
    }

    /** One page of an organization's items that are not deleted, oldest first. */
    public Mono<ItemPage> find(FindItems query) {
        Listing held = byOrganization.getIfPresent(query.organizationId());
        Mono<Listing> listing = held != null ? Mono.just(held) : load(query.organizationId());
        return listing.flatMap(all -> all == TOO_LONG ? fromStore(query) : Mono.just(page(all.items(), query)));
    }

    private Mono<Listing> load(String organizationId) {
        long seen = changes.get();
        return items.findByOrganizationIdAndDeletedFalse(organizationId, PageRequest.of(0, MAX_HELD_ITEMS + 1,
                        LISTING_ORDER))
                .map(ItemDocument::toView)
                .collectList()
                .map(all -> all.size() > MAX_HELD_ITEMS ? TOO_LONG : new Listing(List.copyOf(all)))
                .doOnNext(all -> {
                    byOrganization.put(organizationId, all);
                    // A change during the read may have dropped the listing before it was put: drop it again.
                    if (changes.get() != seen) {
                        byOrganization.invalidate(organizationId);
                    }
                });
    }

    private static ItemPage page(List<ItemView> all, FindItems query) {
        long from = (long) query.page() * query.size();
        List<ItemView> slice = from >= all.size() ? List.of()
                : all.subList((int) from, (int) Math.min(all.size(), from + query.size()));
        return new ItemPage(slice, query.page(), query.size(), all.size());
    }

    private Mono<ItemPage> fromStore(FindItems query) {
        var page = PageRequest.of(query.page(), query.size(), LISTING_ORDER);
        return items.findByOrganizationIdAndDeletedFalse(query.organizationId(), page)
                .map(ItemDocument::toView)
                .collectList()
                .zipWith(items.countByOrganizationIdAndDeletedFalse(query.organizationId()))
                .map(result -> new ItemPage(result.getT1(), query.page(), query.size(), result.getT2()));
    }

    /** An item of the organization changed: its listing is read again on next use. */
    void changed(String organizationId) {
        changes.incrementAndGet();
        byOrganization.invalidate(organizationId);
    }

    /** Every listing is read again on next use (a replay, a lost update stream). */
    void clear() {
        changes.incrementAndGet();
        byOrganization.invalidateAll();
    }

    @Override
    public void start() {
        running = true;
        subscription = FollowedUpdates.follow(queries, new WatchItemListings(), String.class, this::changed,
                this::clear, () -> running);
    }

    @Override
    public void stop() {
        running = false;
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
