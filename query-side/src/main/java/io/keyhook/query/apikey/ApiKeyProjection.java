package io.keyhook.query.apikey;

import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.ApiKeyIssued;
import io.keyhook.api.apikey.ApiKeyPage;
import io.keyhook.api.apikey.ApiKeyRevoked;
import io.keyhook.api.apikey.ApiKeyRotated;
import io.keyhook.api.apikey.ApiKeyView;
import io.keyhook.api.apikey.FindApiKey;
import io.keyhook.api.apikey.FindApiKeyCredentials;
import io.keyhook.api.apikey.FindApiKeys;
import io.keyhook.api.apikey.WatchApiKeyCredentials;
import io.keyhook.api.common.FindProjectedVersion;
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
import reactor.core.publisher.Mono;

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

/**
 * Keys as their organization lists them, and the credentials authentication needs. Every change of
 * a key's credentials is pushed to {@link WatchApiKeyCredentials} subscribers (each server's
 * authentication cache) before the change's version is announced, so a revocation has reached the
 * cache by the time the request that revoked the key answers.
 */
@Component
@ProcessingGroup(ApiKeyProjection.GROUP)
public class ApiKeyProjection implements Republishing {

    public static final String GROUP = "api-keys";
    private static final Sort LISTING_ORDER = Sort.by("createdAt", "id");

    private final ApiKeyRepository keys;
    private final LastUseRepository lastUses;
    private final QueryUpdateEmitter emitter;
    private final Clock clock;

    public ApiKeyProjection(ApiKeyRepository keys, LastUseRepository lastUses, QueryUpdateEmitter emitter,
                            Clock clock) {
        this.keys = keys;
        this.lastUses = lastUses;
        this.emitter = emitter;
        this.clock = clock;
    }

    @EventHandler
    void on(ApiKeyIssued event, @SequenceNumber long sequence, @Timestamp Instant at) {
        ApiKeyDocument existing = await(keys.findById(event.keyId()));
        ApiKeyDocument key = existing;
        if (existing == null || existing.version() < sequence) {
            key = await(keys.save(new ApiKeyDocument(event.keyId(), event.organizationId(), event.ownerUserId(),
                    event.ownerRole(), event.name(), event.scopes(), event.environment(), event.prefix(), event.lookup(),
                    event.verifier(), null, null, null, null, at, event.expiresAt(), null, null,
                    event.rateLimitPerMinute(), event.allowedIps(), sequence)));
        }
        publish(key, sequence);
    }

    @EventHandler
    void on(ApiKeyRotated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.keyId(), sequence, key -> key.rotated(event.prefix(), event.lookup(), event.verifier(),
                event.previousPrefix(), event.previousLookup(), event.previousVerifier(), event.previousValidUntil(), at));
    }

    @EventHandler
    void on(ApiKeyRevoked event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.keyId(), sequence, key -> key.revoked(at));
    }

    @ResetHandler
    void reset() {
        await(keys.deleteAll());
    }

    private void change(String keyId, long sequence, UnaryOperator<ApiKeyDocument> change) {
        VersionedUpdates.apply(keys, keyId, sequence, key -> change.apply(key).at(sequence))
                .ifPresent(key -> publish(key, sequence));
    }

    private void publish(ApiKeyDocument key, long sequence) {
        emitter.emit(WatchApiKeyCredentials.class, query -> true, key.toCredentials());
        announce(emitter, FindProjectedVersion.API_KEYS, key.id(), sequence);
    }

    @Override
    public Set<String> republish(Map<String, Long> wantedVersions) {
        return atVersion(wantedVersions, keys.findAllById(wantedVersions.keySet()), ApiKeyDocument::id,
                key -> publish(key, key.version()));
    }

    @QueryHandler
    CompletableFuture<ApiKeyView> handle(FindApiKey query) {
        return keys.findVisible(query.keyId(), query.organizationId())
                .flatMap(this::withLastUse)
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<ApiKeyPage> handle(FindApiKeys query) {
        var page = PageRequest.of(query.page(), query.size(), LISTING_ORDER);
        return keys.findByOrganizationId(query.organizationId(), page)
                .concatMap(this::withLastUse)
                .collectList()
                .zipWith(keys.countByOrganizationId(query.organizationId()))
                .map(result -> new ApiKeyPage(result.getT1(), query.page(), query.size(), result.getT2()))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<ApiKeyCredentials> handle(FindApiKeyCredentials query) {
        return keys.findByLookupOrPreviousLookup(query.lookup(), query.lookup())
                .next()
                .map(ApiKeyDocument::toCredentials)
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<List<ApiKeyCredentials>> handle(WatchApiKeyCredentials query) {
        return keys.findByRevokedAtIsNull().map(ApiKeyDocument::toCredentials).collectList().toFuture();
    }

    @QueryHandler(queryName = FindProjectedVersion.API_KEYS)
    CompletableFuture<Long> handle(FindProjectedVersion query) {
        return keys.findById(query.aggregateId()).map(ApiKeyDocument::version).defaultIfEmpty(-1L).toFuture();
    }

    private Mono<ApiKeyView> withLastUse(ApiKeyDocument key) {
        Instant now = clock.instant();
        return lastUses.findById(key.id())
                .map(use -> key.toView(now, use.lastUsedAt()))
                .defaultIfEmpty(key.toView(now, null));
    }
}
