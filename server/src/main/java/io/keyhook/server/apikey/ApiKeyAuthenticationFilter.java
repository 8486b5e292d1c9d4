package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.security.Caller;
import io.keyhook.server.security.CallerAuthentication;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * API-key authentication in the security filter chain. Every attempt with a key, allowed or denied,
 * is appended to the event store before the request goes on: an allowed request is served only
 * once its audit event is durable, and answered 503 if the event store does not take it. A client
 * address that keeps failing is turned away for a while without touching storage at all. A request
 * with more than one credential (a key and a login token, two keys, one header twice) is refused
 * before any of them is looked at.
 * <p>Not a {@code WebFilter} bean on purpose: it runs inside the security chain only, not again in
 * the application's filter chain.
 */
@Component
public class ApiKeyAuthenticationFilter {

    static final String RATE_LIMIT = "X-RateLimit-Limit";
    static final String RATE_REMAINING = "X-RateLimit-Remaining";
    static final String RATE_RESET = "X-RateLimit-Reset";
    private static final String API_PATHS = "/api/";
    private static final String AUDIT_RETRY_AFTER_SECONDS = "1";

    private final ApiKeyAuthenticator authenticator;
    private final UsageAuditLog audit;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final ProblemWriter problems;
    private final Clock clock;
    private final boolean allowQueryParam;

    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, UsageAuditLog audit, RateLimits rateLimits,
                                      ClientAddress clientAddress, ProblemWriter problems, Clock clock,
                                      KeyhookProperties properties) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.problems = problems;
        this.clock = clock;
        this.allowQueryParam = properties.apiKeys().allowQueryParam();
    }

    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!request.getPath().value().startsWith(API_PATHS)) {
            return chain.filter(exchange);
        }
        if (PresentedKey.isAmbiguous(request, allowQueryParam)) {
            return problems.write(exchange, ApiProblem.of(HttpStatus.BAD_REQUEST, "ambiguous-credentials",
                    "Ambiguous credentials", "send one credential, once: an API key or a login token").problem());
        }
        Optional<String> presented = PresentedKey.from(request, allowQueryParam);
        if (presented.isEmpty()) {
            return chain.filter(exchange);
        }
        InetAddress client = clientAddress.of(request);
        String clientText = ClientAddress.text(client);
        if (!rateLimits.mayBlock()) {
            return authenticate(exchange, chain, presented.get(), client, clientText, rateLimits.failureLockout(clientText));
        }
        return Mono.fromCallable(() -> rateLimits.failureLockout(clientText)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(lockout -> authenticate(exchange, chain, presented.get(), client, clientText, lockout));
    }

    private Mono<Void> authenticate(ServerWebExchange exchange, WebFilterChain chain, String presented,
                                    InetAddress client, String clientText, long lockout) {
        if (lockout > 0) {
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(lockout));
            return problems.write(exchange, ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-attempts",
                    "Too many failed attempts", "too many failed authentications from this address; retry in "
                            + lockout + " s").problem());
        }
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        return authenticator.authenticate(presented, client, request.getMethod(), path)
                .flatMap(attempt -> recordFailure(attempt, clientText)
                        .then(Mono.defer(() -> audit.record(usage(attempt, request, clientText))))
                        .publishOn(Schedulers.parallel())
                        .then(Mono.defer(() -> answer(attempt, exchange, chain))))
                .onErrorResume(AuditUnavailableException.class, unavailable -> {
                    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, AUDIT_RETRY_AFTER_SECONDS);
                    return problems.write(exchange, ApiProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "audit-unavailable",
                            "Service unavailable", "the request could not be audited and was not served; retry shortly")
                            .problem());
                });
    }

    /** Counts a failed authentication against the client's address (off the event loop if that may block). */
    private Mono<Void> recordFailure(Attempt attempt, String clientText) {
        if (!attempt.isAuthenticationFailure()) {
            return Mono.empty();
        }
        if (!rateLimits.mayBlock()) {
            rateLimits.recordFailure(clientText);
            return Mono.empty();
        }
        return Mono.<Void>fromRunnable(() -> rateLimits.recordFailure(clientText)).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> answer(Attempt attempt, ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse response = exchange.getResponse();
        if (attempt.rate() != null) {
            HttpHeaders headers = response.getHeaders();
            headers.set(RATE_LIMIT, Long.toString(attempt.rate().limit()));
            headers.set(RATE_REMAINING, Long.toString(attempt.rate().remaining()));
            headers.set(RATE_RESET, Long.toString(attempt.rate().resetSeconds()));
        }
        if (attempt.allowed()) {
            ApiKeyCredentials key = attempt.key();
            Caller caller = new Caller(key.organizationId(), key.ownerUserId(), key.ownerRole(), Caller.BY_API_KEY,
                    key.keyId(), key.scopes());
            return chain.filter(exchange)
                    .contextWrite(ReactiveSecurityContextHolder.withAuthentication(new CallerAuthentication(caller)));
        }
        return problems.write(exchange, denial(attempt, response).problem());
    }

    private static ApiProblem denial(Attempt attempt, ServerHttpResponse response) {
        ApiProblem problem = switch (attempt.reason()) {
            case MALFORMED, UNKNOWN_KEY -> unauthorized(response, "invalid-api-key", "the API key is not valid");
            case REVOKED -> unauthorized(response, "api-key-revoked", attempt.detail());
            case EXPIRED -> unauthorized(response, "api-key-expired", attempt.detail());
            case IP_NOT_ALLOWED -> ApiProblem.forbidden("ip-not-allowed", attempt.detail());
            case RATE_LIMITED -> {
                response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(attempt.rate().retryAfterSeconds()));
                yield ApiProblem.rateLimited(attempt.rate().limit(), attempt.rate().retryAfterSeconds());
            }
            case MISSING_SCOPE -> ApiProblem.missingScope(attempt.missingScope());
            case OK -> throw new IllegalStateException("an allowed attempt is not a denial");
        };
        problem.problem().setProperty("reason", attempt.reason().value());
        return problem;
    }

    private static ApiProblem unauthorized(ServerHttpResponse response, String code, String detail) {
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"keyhook\", error=\"invalid_token\", error_description=\"" + detail + "\"");
        return ApiProblem.of(HttpStatus.UNAUTHORIZED, code, "Unauthorized", detail);
    }

    private ApiKeyUsageRecorded usage(Attempt attempt, ServerHttpRequest request, String clientText) {
        ApiKeyCredentials key = attempt.key();
        return new ApiKeyUsageRecorded(key == null ? null : key.keyId(), key == null ? null : key.organizationId(),
                attempt.presentedPrefix(), clock.instant(), request.getMethod().name(), request.getPath().value(),
                clientText, truncate(request.getHeaders().getFirst(HttpHeaders.USER_AGENT)), attempt.reason(),
                attempt.detail());
    }

    private static String truncate(String userAgent) {
        return userAgent == null || userAgent.length() <= 256 ? userAgent : userAgent.substring(0, 256);
    }
}
