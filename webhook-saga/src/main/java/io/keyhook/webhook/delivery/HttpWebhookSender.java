package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.webhook.FindWebhookTarget;
import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.webhook.KeyhookVersion;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.signing.WebhookSignature;
import io.keyhook.webhook.target.TargetGuard;
import io.keyhook.webhook.target.TargetRefusedException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * first 4 KiB of the answer kept. The outcome is reported with a command, retried a few times; the
 * saga's watchdog covers a report that never arrives.
 */
@Component
public class HttpWebhookSender implements WebhookAttempts {

    public static final String USER_AGENT = "Keyhook-Webhooks/" + KeyhookVersion.VERSION;
    static final int SNIPPET_BYTES = 4096;
    private static final Logger log = LoggerFactory.getLogger(HttpWebhookSender.class);

    private record Outcome(Integer statusCode, String error, String body, Long retryAfterSeconds) {
    }

    private final QueryGateway queries;
    private final CommandGateway commands;
    private final SecretCipher cipher;
    private final TargetGuard guard;
    private final WebhookSettings settings;
    private final Clock clock;

    public HttpWebhookSender(QueryGateway queries, CommandGateway commands, SecretCipher cipher, TargetGuard guard,
                             WebhookSettings settings, Clock clock) {
        this.queries = queries;
        this.commands = commands;
        this.cipher = cipher;
        this.guard = guard;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void start(AttemptRequest request) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        Mono.fromFuture(() -> queries.query(new FindWebhookTarget(request.subscriptionId()), WebhookTarget.class))
                .switchIfEmpty(Mono.error(() -> new TargetRefusedException("the subscription no longer exists")))
                .flatMap(target -> attempt(request, target, startedAt))
                .onErrorResume(failure -> Mono.just(new Outcome(null, describe(failure), null, null)))
                // Recording appends to the event store: never on the HTTP client's event loop.
                .publishOn(Schedulers.boundedElastic())
                .flatMap(outcome -> record(request, startedAt, (System.nanoTime() - started) / 1_000_000, outcome))
                .subscribe(null, failure -> log.warn("Delivery {} attempt {}: the outcome could not be recorded: {}",
                        request.deliveryId(), request.attempt(), failure.toString()));
    }

    private Mono<Outcome> attempt(AttemptRequest request, WebhookTarget target, Instant startedAt) {
        if (!target.active()) {
            return Mono.error(new TargetRefusedException("the subscription is disabled"));
        }
        return Mono.fromCallable(() -> guard.check(target.url()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(checked -> post(request, target, checked, startedAt));
    }

    private Mono<Outcome> post(AttemptRequest request, WebhookTarget target, TargetGuard.Target checked,
                               Instant startedAt) {
        List<String> secrets = secretsInForce(target, startedAt);
        long timestamp = startedAt.getEpochSecond();
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
                .resolver(new PinnedResolverGroup(checked.address()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.timeout())
                .followRedirect(false)
                .headers(headers -> headers
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                        .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                        .set("webhook-id", request.deliveryId())
                        .set("webhook-timestamp", Long.toString(timestamp))
                        .set("webhook-signature", WebhookSignature.header(secrets, request.deliveryId(), timestamp,
                                request.body()))
                        .set("X-Signature", WebhookSignature.bodySignature(secrets.get(0), request.body()))
                        .set("X-Keyhook-Event", request.eventType()));
        return client.post()
                .uri(checked.uri())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .response((response, content) -> {
                    ByteArrayOutputStream snippet = new ByteArrayOutputStream();
                    return content.asByteArray()
                            .doOnNext(chunk -> snippet.write(chunk, 0, Math.min(chunk.length, SNIPPET_BYTES - snippet.size())))
                            .takeUntil(chunk -> snippet.size() >= SNIPPET_BYTES)
                            .then(Mono.fromSupplier(() -> outcome(response, snippet)));
                })
                .next()
                .timeout(settings.timeout());
    }

    private List<String> secretsInForce(WebhookTarget target, Instant now) {
        List<String> secrets = new ArrayList<>();
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

    private Mono<Void> record(AttemptRequest request, Instant startedAt, long durationMs, Outcome outcome) {
        return Mono.fromFuture(() -> commands.send(new RecordDeliveryAttempt(request.deliveryId(), request.attempt(),
                        startedAt, durationMs, outcome.statusCode(), outcome.error(), outcome.body(),
                        outcome.retryAfterSeconds())))
                .retryWhen(Retry.backoff(3, Duration.ofMillis(500)))
                .then();
    }
}
