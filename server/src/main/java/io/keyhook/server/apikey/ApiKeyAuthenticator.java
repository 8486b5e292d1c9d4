package io.keyhook.server.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.Scope;
import io.keyhook.api.apikey.UsageReason;
import io.keyhook.command.apikey.ApiKeyFormat;
import io.keyhook.command.apikey.ApiKeyHasher;
import io.keyhook.server.security.RouteScopes;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides on one presented key, in this order, each with its own reason: format and checksum, known
 * key, revoked, expired (or a rotated-out secret past its grace period), IP allowlist, rate limit,
 * scope for the route. Nothing here touches storage unless the key is not in the cache yet.
 */
@Component
public class ApiKeyAuthenticator {

    private final ApiKeyHasher hasher;
    private final ApiKeyCache cache;
    private final RateLimits rateLimits;
    private final Clock clock;
    /** Digests that matched a slow-hash verifier: the slow hash runs once per key and verifier, not per request. */
    private final Cache<String, Boolean> verified = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(15)).build();

    public ApiKeyAuthenticator(ApiKeyHasher hasher, ApiKeyCache cache, RateLimits rateLimits, Clock clock) {
        this.hasher = hasher;
        this.cache = cache;
        this.rateLimits = rateLimits;
        this.clock = clock;
    }

    Mono<Attempt> authenticate(String presented, InetAddress client, HttpMethod method, String path) {
        String shown = ApiKeyFormat.presentedPrefix(presented);
        Optional<ApiKeyFormat.Parsed> parsed = ApiKeyFormat.parse(presented);
        if (parsed.isEmpty()) {
            return Mono.just(Attempt.denied(UsageReason.MALFORMED, "not a well-formed Keyhook key", shown, null));
        }
        String digest = hasher.digest(presented);
        String prefix = parsed.get().prefix();
        KnownKey byDigest = cache.cached(digest);
        Mono<Match> match;
        if (byDigest != null) {
            match = Mono.just(new Match(byDigest, ApiKeyHasher.digestsEqual(digest, byDigest.credentials().lookup())));
        } else {
            KnownKey byPrefix = cache.cached(prefix);
            match = byPrefix != null ? matchSlowHash(byPrefix, prefix, digest)
                    : cache.load(digest)
                    .map(known -> new Match(known, ApiKeyHasher.digestsEqual(digest, known.credentials().lookup())))
                    .switchIfEmpty(Mono.defer(() -> cache.load(prefix)
                            .flatMap(known -> matchSlowHash(known, prefix, digest))));
        }
        return match.flatMap(found -> rateLimits.mayBlock()
                        ? Mono.fromCallable(() -> decide(found, prefix, client, method, path))
                                .subscribeOn(Schedulers.boundedElastic())
                        : Mono.just(decide(found, prefix, client, method, path)))
                .defaultIfEmpty(Attempt.denied(UsageReason.UNKNOWN_KEY, "no such key", prefix, null));
    }

    private record Match(KnownKey known, boolean current) {
    }

    private Mono<Match> matchSlowHash(KnownKey known, String prefix, String digest) {
        ApiKeyCredentials key = known.credentials();
        boolean current = prefix.equals(key.prefix());
        String verifier = current ? key.verifier() : key.previousVerifier();
        if (verifier == null) {
            return Mono.empty();
        }
        return verify(digest, verifier).filter(Boolean::booleanValue).map(ok -> new Match(known, current));
    }

    private Mono<Boolean> verify(String digest, String verifier) {
        String cacheKey = digest + '\n' + verifier;
        Boolean known = verified.getIfPresent(cacheKey);
        if (known != null) {
            return Mono.just(known);
        }
        return Mono.fromCallable(() -> hasher.verify(digest, verifier))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(ok -> {
                    if (ok) {
                        verified.put(cacheKey, true);
                    }
                });
    }

    private Attempt decide(Match match, String prefix, InetAddress client, HttpMethod method, String path) {
        ApiKeyCredentials key = match.known().credentials();
        Instant now = clock.instant();
        if (key.revoked()) {
            return Attempt.denied(UsageReason.REVOKED, "the key has been revoked", prefix, key);
        }
        if (!match.current() && (key.previousValidUntil() == null || !now.isBefore(key.previousValidUntil()))) {
            return Attempt.denied(UsageReason.EXPIRED, "the key was rotated and this secret is no longer valid",
                    prefix, key);
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return Attempt.denied(UsageReason.EXPIRED, "the key expired at " + key.expiresAt(), prefix, key);
        }
        if (!match.known().allows(client)) {
            return Attempt.denied(UsageReason.IP_NOT_ALLOWED,
                    "the key may not be used from " + ClientAddress.text(client), prefix, key);
        }
        RateLimits.Verdict rate = rateLimits.consume(key.keyId(), RouteScopes.isRead(method), key.rateLimitPerMinute());
        if (!rate.allowed()) {
            return new Attempt(UsageReason.RATE_LIMITED, "more than " + rate.limit() + " requests per minute",
                    prefix, key, rate, null);
        }
        Optional<Scope> needed = RouteScopes.required(method, path);
        if (needed.isPresent() && !key.scopes().contains(needed.get())) {
            return new Attempt(UsageReason.MISSING_SCOPE, "this request needs the scope " + needed.get().value(),
                    prefix, key, rate, needed.get());
        }
        return new Attempt(UsageReason.OK, null, prefix, key, rate, null);
    }
}
