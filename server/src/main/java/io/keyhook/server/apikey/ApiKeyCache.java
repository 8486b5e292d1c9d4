package io.keyhook.server.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.FindApiKeyCredentials;
import io.keyhook.api.apikey.WatchApiKeyCredentials;
import io.keyhook.query.apikey.ApiKeyProjection;
import io.keyhook.query.common.FollowedUpdates;
import io.keyhook.query.common.ReadModelRebuilt;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key credentials in memory, by lookup value (digest, or prefix for slow-hash keys), so the hot path
 * needs no storage round trip. Filled from the read model when this instance starts and on a miss,
 * and kept current by a subscription to {@link WatchApiKeyCredentials}: the projection pushes every
 * issue, rotation and revocation to the cache of every instance. No time-based expiry is involved,
 * so a revoked key is refused on the next request. Versions guard against a slow load overwriting a
 * newer push.
 * <p>Reads never lock. An update touches only its own key: the entry per key id remembers which
 * lookup values it occupies, so replacing them costs the same with ten keys or a million.
 * <p>After a rebuild of the read model the cache forgets everything: each key is taken again from
 * the rebuilt model on its next use.
 */
@Component
public class ApiKeyCache implements SmartLifecycle {

    private static final long MAX_ENTRIES = 200_000;

    private final QueryGateway queries;
    private final Cache<String, KnownKey> byLookup = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();
    private final Map<String, KnownKey> byKeyId = new ConcurrentHashMap<>();
    private volatile Disposable subscription;
    private volatile boolean running;

    public ApiKeyCache(QueryGateway queries) {
        this.queries = queries;
    }

    /** The key whose current or previous secret has this lookup value, if this instance holds it. */
    KnownKey cached(String lookup) {
        return byLookup.getIfPresent(lookup);
    }

    /** The same, from the read model (a key this instance has not seen yet); it is cached from then on. */
    Mono<KnownKey> load(String lookup) {
        return Mono.fromFuture(() -> queries.query(new FindApiKeyCredentials(lookup),
                        ResponseTypes.instanceOf(ApiKeyCredentials.class)))
                .map(this::apply)
                .filter(known -> lookup.equals(known.credentials().lookup())
                        || lookup.equals(known.credentials().previousLookup()));
    }

    /** The newest credentials of a key replace what this cache holds for it; older ones change nothing. */
    KnownKey apply(ApiKeyCredentials credentials) {
        KnownKey known = KnownKey.of(credentials);
        byKeyId.compute(credentials.keyId(), (keyId, current) -> {
            if (current != null && current.credentials().version() > credentials.version()) {
                return current;
            }
            if (current != null) {
                lookups(current.credentials()).forEach(byLookup::invalidate);
            }
            lookups(credentials).forEach(lookup -> byLookup.put(lookup, known));
            return known;
        });
        return known;
    }

    @EventListener
    public void on(ReadModelRebuilt rebuilt) {
        if (ApiKeyProjection.GROUP.equals(rebuilt.processingGroup())) {
            byKeyId.clear();
            byLookup.invalidateAll();
        }
    }

    private static List<String> lookups(ApiKeyCredentials credentials) {
        return credentials.previousLookup() != null && credentials.previousValidUntil() != null
                ? List.of(credentials.lookup(), credentials.previousLookup())
                : List.of(credentials.lookup());
    }

    @Override
    public void start() {
        running = true;
        subscription = FollowedUpdates.follow(queries, new WatchApiKeyCredentials(), ApiKeyCredentials.class,
                this::apply, byLookup::invalidateAll, () -> running);
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
