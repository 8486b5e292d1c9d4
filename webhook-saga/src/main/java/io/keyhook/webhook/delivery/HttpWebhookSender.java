package io.keyhook.webhook.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.api.webhook.WebhookTargetDirectory;
import io.keyhook.webhook.KeyhookVersion;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.signing.WebhookSignature;
import io.keyhook.webhook.target.TargetGuard;
import io.keyhook.webhook.target.TargetRefusedException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP attempt, exactly as DESIGN.md §4 describes it: the subscription's current URL, checked
 * by the target guard after resolution and connected to at the checked address; the Standard
 * Webhooks headers signed with every secret in force; 5 s to connect, 15 s in all, no redirects, the
 * first 4 KiB of the answer kept.
 * <p>One client for every attempt: keep-alive connections pooled per receiver (host and port), at
 * most {@code max-connections-per-endpoint} of them, further attempts to that receiver wait for one
 * (within the attempt's time). A URL's check is reused for {@value #CHECK_SECONDS} s (as long as the
 * JVM caches a DNS answer), so most attempts do no DNS lookup and no thread hop.
 */
@Component
public class HttpWebhookSender implements WebhookAttempts, DisposableBean {

    public static final String USER_AGENT = "Keyhook-Webhooks/" + KeyhookVersion.VERSION;
    static final int SNIPPET_BYTES = 4096;
    static final int CHECK_SECONDS = 30;
    private static final Duration MAX_IDLE = Duration.ofSeconds(4);
    private static final Logger log = LoggerFactory.getLogger(HttpWebhookSender.class);

    private final WebhookTargetDirectory targets;
    private final CommandGateway commands;
    private final SecretCipher cipher;
    private final TargetGuard guard;
    private final WebhookSettings settings;
    private final Clock clock;
    private final ConnectionProvider connections;
    private final PinnedResolverGroup resolver = new PinnedResolverGroup();
    private final HttpClient client;
    private final Cache<String, TargetGuard.Target> checks = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(CHECK_SECONDS)).maximumSize(100_000).build();

    public HttpWebhookSender(WebhookTargetDirectory targets, CommandGateway commands, SecretCipher cipher,
                             TargetGuard guard, WebhookSettings settings, Clock clock) {
        this.targets = targets;
        this.commands = commands;
        this.cipher = cipher;
        this.guard = guard;
        this.settings = settings;
        this.clock = clock;
        // Receivers commonly close idle keep-alive connections after 5 s (Node's default).
        this.connections = ConnectionProvider.builder("webhooks")
                .maxConnections(settings.maxConnectionsPerEndpoint())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(settings.timeout())
                .maxIdleTime(MAX_IDLE)
                .evictInBackground(MAX_IDLE)
                .build();
        this.client = HttpClient.create(connections)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.timeout())
                .followRedirect(false);
    }

    @Override
    public void start(AttemptRequest request) {
        attempt(request)
                // Recording appends to the event store: never on the HTTP client's event loop.
                .publishOn(Schedulers.boundedElastic())
                .flatMap(result -> Mono.fromFuture(() -> commands.send(
                                new RecordDeliveryAttempt(request.deliveryId(), result)))
                        .retryWhen(Retry.backoff(3, Duration.ofMillis(500))))
                .subscribe(null, failure -> log.warn("Delivery {} attempt {}: the outcome could not be recorded "
                                + "(the attempt's watchdog will count it as failed): {}", request.deliveryId(),
                        request.attempt(), failure.toString()));
    }

    @Override
    public Mono<AttemptResult> attempt(AttemptRequest request) {
        return Mono.defer(() -> {
            Instant startedAt = clock.instant();
            long started = System.nanoTime();
            return Mono.justOrEmpty(targets.target(request.subscriptionId()))
                    .switchIfEmpty(Mono.error(() -> new TargetRefusedException("the subscription no longer exists")))
                    .flatMap(target -> attempt(request, target, startedAt))
                    .onErrorResume(failure -> Mono.just(new Outcome(null, describe(failure), null, null)))
                    .map(outcome -> new AttemptResult(request.attempt(), startedAt,
                            (System.nanoTime() - started) / 1_000_000, outcome.statusCode(), outcome.error(),
                            outcome.body(), outcome.retryAfterSeconds()));
        });
    }

    private record Outcome(Integer statusCode, String error, String body, Long retryAfterSeconds) {
    }

    private Mono<Outcome> attempt(AttemptRequest request, WebhookTarget target, Instant startedAt) {
        if (!target.active()) {
            return Mono.error(new TargetRefusedException("the subscription is disabled"));
        }
        return checked(target.url()).flatMap(checked -> post(request, target, checked, startedAt));
    }

    private Mono<TargetGuard.Target> checked(String url) {
        TargetGuard.Target known = checks.getIfPresent(url);
        if (known != null) {
            return Mono.just(known);
        }
        return Mono.fromCallable(() -> {
            TargetGuard.Target checked = guard.check(url);
            resolver.pin(checked.host(), checked.address());
            checks.put(url, checked);
            return checked;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Outcome> post(AttemptRequest request, WebhookTarget target, TargetGuard.Target checked,
                               Instant startedAt) {
        List<String> secrets = secretsInForce(target, startedAt);
        long timestamp = startedAt.getEpochSecond();
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
        return client
                .headers(headers -> headers
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                        .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                        .set("webhook-id", request.deliveryId())
                        .set("webhook-timestamp", Long.toString(timestamp))
                        .set("webhook-signature", WebhookSignature.header(secrets, request.deliveryId(), timestamp,
                                request.body()))
                        .set("X-Signature", WebhookSignature.bodySignature(secrets.get(0), request.body()))
                        .set("X-Keyhook-Event", request.eventType()))
                .post()
                .uri(checked.uri())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .response((response, content) -> {
                    ByteArrayOutputStream snippet = new ByteArrayOutputStream();
                    return content.asByteArray()
                            .doOnNext(chunk -> snippet.write(chunk, 0, Math.min(chunk.length, SNIPPET_BYTES - snippet.size())))
                            .takeUntil(chunk -> snippet.size() >= SNIPPET_BYTES)
                            .then(Mono.fromSupplier(() -> outcome(response, snippet)));
                })
                // Not next(): cancelling the exchange before it completed would close the connection.
                .singleOrEmpty()
                .timeout(settings.timeout());
    }

    private List<String> secretsInForce(WebhookTarget target, Instant now) {
        List<String> secrets = new ArrayList<>(2);
        secrets.add(cipher.decrypt(target.encryptedSecret(), target.subscriptionId()));
        if (target.previousEncryptedSecret() != null && target.previousValidUntil() != null
                && now.isBefore(target.previousValidUntil())) {
            secrets.add(cipher.decrypt(target.previousEncryptedSecret(), target.subscriptionId()));
        }
        return secrets;
    }

    private Outcome outcome(HttpClientResponse response, ByteArrayOutputStream snippet) {
        int status = response.status().code();
        String body = snippet.size() == 0 ? null : snippet.toString(StandardCharsets.UTF_8);
        Long retryAfter = status == 429 || status == 503 ? retryAfter(response.responseHeaders().get("Retry-After")) : null;
        String error = status >= 200 && status < 300 ? null
                : status >= 300 && status < 400 ? "the receiver answered " + status + " (redirects are not followed)"
                : "the receiver answered " + status;
        return new Outcome(status, error, body, retryAfter);
    }

    private Long retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(clock.instant(), at).toSeconds());
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private static String describe(Throwable failure) {
        if (failure instanceof TargetRefusedException refused) {
            return "refused: " + refused.getMessage();
        }
        if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return "timed out";
        }
        String message = failure.getMessage();
        return "could not connect: " + (message == null ? failure.getClass().getSimpleName() : message);
    }

    @Override
    public void destroy() {
        connections.dispose();
        resolver.close();
    }
}
