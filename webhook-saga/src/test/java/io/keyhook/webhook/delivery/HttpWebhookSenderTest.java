package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.api.webhook.WebhookTargetDirectory;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.signing.WebhookSignature;
import io.keyhook.webhook.target.TargetGuard;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP sender against a real receiver on a local socket: what it sends (signed so that a
 * receiver verifying the Standard Webhooks way accepts it), and what it makes of each kind of answer.
 */
class HttpWebhookSenderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SUBSCRIPTION = "sub-1";
    private static final String BODY = "{\"id\":\"evt-1\",\"type\":\"item.created\",\"data\":{\"name\":\"Bolt\"}}";

    private record Received(HttpHeaders headers, String body) {
    }

    private final SecureRandom random = new SecureRandom();
    private final SecretCipher cipher = new SecretCipher(randomKey(), random);
    private final Map<String, WebhookTarget> targets = new ConcurrentHashMap<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Map<Integer, AtomicInteger> requestsByClientPort = new ConcurrentHashMap<>();
    private volatile BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> answer =
            (request, response) -> response.status(200).sendString(Mono.just("thanks"));
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final DisposableServer receiver = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                    .defaultIfEmpty("")
                    .flatMap(body -> {
                        received.add(new Received(request.requestHeaders(), body));
                        requestsByClientPort.computeIfAbsent(request.remoteAddress().getPort(),
                                port -> new AtomicInteger()).incrementAndGet();
                        return Mono.from(answer.apply(request, response));
                    }))
            .bindNow();
    private HttpWebhookSender sender = sender(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        sender.destroy();
        receiver.disposeNow();
    }

    @Test
    void anAttemptIsSignedSoThatAReceiverCanVerifyIt() throws Exception {
        String secret = WebhookSignature.newSecret(random);
        target(secret, null, null, true);

        AttemptResult result = attempt("del-1", 1);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.responseBody()).isEqualTo("thanks");
        assertThat(result.attempt()).isEqualTo(1);
        Received request = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.body()).isEqualTo(BODY);
        HttpHeaders headers = request.headers();
        assertThat(headers.get("webhook-id")).isEqualTo("del-1");
        assertThat(headers.get("webhook-timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(headers.get("webhook-signature"))
                .isEqualTo("v1," + signature(secret, "del-1." + clock.instant().getEpochSecond() + "." + BODY));
        assertThat(headers.get("X-Keyhook-Event")).isEqualTo("item.created");
        assertThat(headers.get("Content-Type")).isEqualTo("application/json");
        assertThat(headers.get("User-Agent")).isEqualTo(HttpWebhookSender.USER_AGENT);
    }

    @Test
    void duringARotationGraceBothSecretsSign() throws Exception {
        String current = WebhookSignature.newSecret(random);
        String previous = WebhookSignature.newSecret(random);
        target(current, previous, clock.instant().plusSeconds(60), true);

        assertThat(attempt("del-2", 1).succeeded()).isTrue();

        String signed = "del-2." + clock.instant().getEpochSecond() + "." + BODY;
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS).headers().get("webhook-signature"))
                .isEqualTo("v1," + signature(current, signed) + " v1," + signature(previous, signed));
    }

    @Test
    void aFailureKeepsTheFirstFourKibibytesOfTheAnswer() {
        target(WebhookSignature.newSecret(random), null, null, true);
        answer = (request, response) -> response.status(500).sendString(Mono.just("x".repeat(10_000)));

        AttemptResult result = attempt("del-3", 2);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.error()).isEqualTo("the receiver answered 500");
        assertThat(result.responseBody()).hasSize(HttpWebhookSender.SNIPPET_BYTES);
    }

    @Test
    void aRetryAfterInSecondsOrAsADateIsKept() {
        target(WebhookSignature.newSecret(random), null, null, true);
        answer = (request, response) -> response.status(429).header("Retry-After", "7").send();
        assertThat(attempt("del-4", 1).retryAfterSeconds()).isEqualTo(7L);

        answer = (request, response) -> response.status(503).header("Retry-After", "Tue, 01 Dec 2026 10:02:00 GMT").send();
        assertThat(attempt("del-4", 2).retryAfterSeconds()).isEqualTo(120L);
    }

    @Test
    void aRedirectIsNotFollowed() {
        target(WebhookSignature.newSecret(random), null, null, true);
        answer = (request, response) -> response.status(302).header("Location", "http://127.0.0.1:1/elsewhere").send();

        AttemptResult result = attempt("del-5", 1);

        assertThat(result.statusCode()).isEqualTo(302);
        assertThat(result.error()).contains("redirects are not followed");
        assertThat(received).hasSize(1);
    }

    /**
     * A connection goes back to the pool just after its answer has been read, so an attempt that
     * starts at once may still open a second one; what must not happen is a connection per attempt.
     */
    @Test
    void attemptsToOneReceiverShareKeptAliveConnections() {
        target(WebhookSignature.newSecret(random), null, null, true);

        for (int i = 0; i < 20; i++) {
            assertThat(attempt("del-6-" + i, 1).succeeded()).isTrue();
        }

        assertThat(received).hasSize(20);
        assertThat(requestsByClientPort.values()).as("requests per connection (client port)")
                .hasSizeLessThan(10).anySatisfy(requests -> assertThat(requests.get()).isGreaterThanOrEqualTo(3));
    }

    @Test
    void aDisabledOrDeletedSubscriptionIsNotCalled() {
        target(WebhookSignature.newSecret(random), null, null, false);
        assertThat(attempt("del-7", 1).error()).isEqualTo("refused: the subscription is disabled");

        targets.clear();
        AttemptResult gone = attempt("del-7", 2);
        assertThat(gone.error()).isEqualTo("refused: the subscription no longer exists");
        assertThat(gone.statusCode()).isNull();
        assertThat(received).isEmpty();
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndOneThatIsNotThereCannotBeConnected() throws Exception {
        sender.destroy();
        sender = sender(Duration.ofMillis(500));
        target(WebhookSignature.newSecret(random), null, null, true);
        answer = (request, response) -> Mono.never();
        assertThat(attempt("del-8", 1).error()).isEqualTo("timed out");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        targets.put(SUBSCRIPTION, new WebhookTarget(SUBSCRIPTION, "org-1", "http://127.0.0.1:" + closedPort + "/hook",
                true, cipher.encrypt(WebhookSignature.newSecret(random), SUBSCRIPTION), null, null));
        assertThat(attempt("del-8", 2).error()).startsWith("could not connect: ");
    }

    private AttemptResult attempt(String deliveryId, int attempt) {
        return sender.attempt(new AttemptRequest(deliveryId, SUBSCRIPTION, "item.created", BODY, attempt)).block(WAIT);
    }

    private void target(String secret, String previousSecret, Instant previousValidUntil, boolean active) {
        targets.put(SUBSCRIPTION, new WebhookTarget(SUBSCRIPTION, "org-1",
                "http://127.0.0.1:" + receiver.port() + "/hook", active, cipher.encrypt(secret, SUBSCRIPTION),
                previousSecret == null ? null : cipher.encrypt(previousSecret, SUBSCRIPTION), previousValidUntil));
    }

    private HttpWebhookSender sender(Duration timeout) {
        WebhookSettings defaults = WebhookSettings.defaults();
        WebhookSettings settings = new WebhookSettings(true, Duration.ofSeconds(2), timeout,
                defaults.disableAfterFailures(), defaults.stuckAfter(), defaults.stuckSweepInterval(),
                defaults.maxConnectionsPerEndpoint(), defaults.firstAttemptWait());
        WebhookTargetDirectory directory = new WebhookTargetDirectory() {
            @Override
            public List<WebhookTarget> targetsFor(String organizationId, String eventType) {
                return List.copyOf(targets.values());
            }

            @Override
            public Optional<WebhookTarget> target(String subscriptionId) {
                return Optional.ofNullable(targets.get(subscriptionId));
            }
        };
        return new HttpWebhookSender(directory, null, cipher, new TargetGuard(true), settings, clock);
    }

    /** As a receiver computes it: HMAC-SHA256 keyed with the secret's bytes, in base64. */
    private static String signature(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
