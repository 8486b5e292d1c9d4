package io.keyhook.server.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.delivery.DeliveryIds;
import io.keyhook.api.delivery.DeliveryPage;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.delivery.FindDeliveries;
import io.keyhook.api.delivery.WatchDeliveries;
import io.keyhook.api.webhook.CreateWebhookSubscription;
import io.keyhook.api.webhook.DeleteWebhookSubscription;
import io.keyhook.api.webhook.FindWebhookSubscription;
import io.keyhook.api.webhook.FindWebhookSubscriptions;
import io.keyhook.api.webhook.RotateWebhookSecret;
import io.keyhook.api.webhook.SendTestWebhook;
import io.keyhook.api.webhook.UpdateWebhookSubscription;
import io.keyhook.api.webhook.WebhookEventTypes;
import io.keyhook.api.webhook.WebhookSubscriptionPage;
import io.keyhook.api.webhook.WebhookSubscriptionView;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Commands;
import io.keyhook.server.web.Paging;
import io.keyhook.server.web.ReadYourWrites;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.signing.WebhookSignature;
import io.keyhook.webhook.target.TargetGuard;
import io.keyhook.webhook.target.TargetRefusedException;
import jakarta.validation.Valid;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Webhook subscriptions of the caller's organization, their test sends, secret rotation and their
 * delivery timeline (pages, or live as server-sent events).
 */
@RestController
@RequestMapping("/api/v1/webhooks")
public class WebhookController {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final Commands commands;
    private final ReactorQueryGateway queries;
    private final ReadYourWrites readYourWrites;
    private final SecretCipher cipher;
    private final TargetGuard guard;
    private final SecureRandom random;
    private final Duration defaultGrace;

    public WebhookController(Commands commands, ReactorQueryGateway queries, ReadYourWrites readYourWrites,
                             SecretCipher cipher, TargetGuard guard, SecureRandom random,
                             KeyhookProperties properties) {
        this.commands = commands;
        this.queries = queries;
        this.readYourWrites = readYourWrites;
        this.cipher = cipher;
        this.guard = guard;
        this.random = random;
        this.defaultGrace = properties.webhooks().secretGracePeriod();
    }

    @Operation(summary = "List the event types a subscription can receive")
    @GetMapping("/event-types")
    public List<WebhookEventTypes.EventType> eventTypes() {
        return WebhookEventTypes.ALL;
    }

    @Operation(summary = "Create a webhook subscription (answers its signing secret once)", responses = @ApiResponse(
            responseCode = "201", description = "The subscription, with its secret this once", useReturnTypeSchema = true))
    @PostMapping
    public Mono<ResponseEntity<SubscriptionWithSecret>> create(@AuthenticationPrincipal Caller caller,
                                                               @Valid @RequestBody WebhookRequest request) {
        requireKnown(request.eventTypes());
        String secret = request.secret() == null ? WebhookSignature.newSecret(random) : requireValidSecret(request.secret());
        String id = UUID.randomUUID().toString();
        return checkedUrl(request.url())
                .flatMap(url -> commands.send(new CreateWebhookSubscription(id, caller.organizationId(), url,
                        request.eventTypes(), request.description(), cipher.encrypt(secret, id), caller.userId())))
                .then(readAfterWrite(caller, id, 0))
                .map(view -> ResponseEntity.created(URI.create("/api/v1/webhooks/" + id))
                        .cacheControl(CacheControl.noStore())
                        .body(new SubscriptionWithSecret(secret, view, warnings(request.url()))));
    }

    @Operation(summary = "List webhook subscriptions")
    @GetMapping
    public Mono<WebhookSubscriptionPage> list(@AuthenticationPrincipal Caller caller,
                                              @RequestParam(defaultValue = "0") int page,
                                              @RequestParam(defaultValue = "20") int size) {
        Paging paging = Paging.of(page, size);
        return Mono.defer(() -> queries.query(new FindWebhookSubscriptions(caller.organizationId(), paging.page(),
                paging.size()), WebhookSubscriptionPage.class));
    }

    @Operation(summary = "Get a webhook subscription")
    @GetMapping("/{id}")
    public Mono<WebhookSubscriptionView> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return find(caller, id);
    }

    @Operation(summary = "Replace a webhook subscription")
    @PutMapping("/{id}")
    public Mono<SubscriptionWithSecret> replace(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                @Valid @RequestBody WebhookRequest request) {
        requireKnown(request.eventTypes());
        boolean active = request.active() == null || request.active();
        return checkedUrl(request.url())
                .flatMap(url -> commands.<Long>send(new UpdateWebhookSubscription(id, caller.organizationId(), url,
                        request.eventTypes(), request.description(), active)))
                .flatMap(version -> readAfterWrite(caller, id, version))
                .map(view -> new SubscriptionWithSecret(null, view, warnings(request.url())));
    }

    @Operation(summary = "Delete a webhook subscription", responses = @ApiResponse(responseCode = "204", description = "Deleted"))
    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return commands.<Long>send(new DeleteWebhookSubscription(id, caller.organizationId()))
                .flatMap(version -> readYourWrites.await(FindProjectedVersion.WEBHOOKS, id, version))
                .then(Mono.just(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build()));
    }

    @Operation(summary = "Rotate a subscription's signing secret")
    @PostMapping("/{id}/rotate-secret")
    public Mono<SubscriptionWithSecret> rotateSecret(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                     @Valid @RequestBody(required = false) RotateSecretRequest request) {
        String secret = request == null || request.secret() == null ? WebhookSignature.newSecret(random)
                : requireValidSecret(request.secret());
        Duration grace = request == null || request.gracePeriodSeconds() == null ? defaultGrace
                : Duration.ofSeconds(request.gracePeriodSeconds());
        return commands.<Long>send(new RotateWebhookSecret(id, caller.organizationId(), cipher.encrypt(secret, id), grace))
                .flatMap(version -> readAfterWrite(caller, id, version))
                .map(view -> new SubscriptionWithSecret(secret, view, List.of()));
    }

    @Operation(summary = "Send a test event to a subscription", responses = @ApiResponse(responseCode = "202",
            description = "The test delivery is under way (Location: the delivery)", useReturnTypeSchema = true))
    @PostMapping("/{id}/test")
    public Mono<ResponseEntity<AcceptedDelivery>> test(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        String eventId = UUID.randomUUID().toString();
        String deliveryId = DeliveryIds.of(eventId, id);
        return commands.send(new SendTestWebhook(id, caller.organizationId(), eventId))
                .then(readYourWrites.await(FindProjectedVersion.DELIVERIES, deliveryId, 0))
                .thenReturn(ResponseEntity.accepted().location(URI.create("/api/v1/deliveries/" + deliveryId))
                        .body(new AcceptedDelivery(deliveryId)));
    }

    @Operation(summary = "List a subscription's deliveries")
    @GetMapping("/{id}/deliveries")
    public Mono<DeliveryPage> deliveries(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                         @RequestParam(required = false) String status,
                                         @RequestParam(defaultValue = "0") int page,
                                         @RequestParam(defaultValue = "20") int size) {
        Paging paging = Paging.of(page, size);
        DeliveryStatus filter = status(status);
        return find(caller, id).then(Mono.defer(() -> queries.query(new FindDeliveries(caller.organizationId(), id,
                filter, paging.page(), paging.size()), DeliveryPage.class)));
    }

    /** The timeline live: the latest deliveries first (oldest of them first), then every change as it happens. */
    @Operation(summary = "Stream a subscription's deliveries live (server-sent events)", responses = @ApiResponse(
            responseCode = "200", description = "Server-sent events: a `delivery` event for each delivery and each"
            + " change of one (data: a DeliveryView, id: its id and version), a `keep-alive` comment every 15 s",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string"))))
    @GetMapping(path = "/{id}/deliveries/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<DeliveryView>> stream(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        Flux<ServerSentEvent<DeliveryView>> deliveries = queries.subscriptionQuery(
                        new WatchDeliveries(caller.organizationId(), id),
                        ResponseTypes.multipleInstancesOf(DeliveryView.class), ResponseTypes.instanceOf(DeliveryView.class))
                .flatMapMany(result -> result.initialResult()
                        .flatMapMany(latest -> Flux.fromIterable(oldestFirst(latest)))
                        .concatWith(result.updates())
                        .doFinally(signal -> result.close()))
                .map(DeliveryEvents::of);
        Flux<ServerSentEvent<DeliveryView>> heartbeat = Flux.interval(HEARTBEAT)
                .map(tick -> DeliveryEvents.keepAlive());
        return find(caller, id).thenMany(Flux.merge(deliveries, heartbeat));
    }

    private static List<DeliveryView> oldestFirst(List<DeliveryView> newestFirst) {
        List<DeliveryView> ordered = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    private Mono<String> checkedUrl(String url) {
        return Mono.fromCallable(() -> {
                    guard.check(url);
                    return url.strip();
                })
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(TargetRefusedException.class, refused -> ApiProblem.invalidField("url", refused.getMessage()));
    }

    private static List<String> warnings(String url) {
        return url.strip().toLowerCase(Locale.ROOT).startsWith("http:")
                ? List.of("the url uses plain http: payloads and signatures travel unencrypted; prefer https")
                : List.of();
    }

    private static void requireKnown(Set<String> eventTypes) {
        for (String type : eventTypes) {
            if (!WebhookEventTypes.isKnown(type)) {
                throw ApiProblem.invalidField("eventTypes", "unknown event type '" + type + "'; see GET /api/v1/webhooks/event-types");
            }
        }
    }

    private static String requireValidSecret(String secret) {
        if (!WebhookSignature.isValidSecret(secret)) {
            throw ApiProblem.invalidField("secret", "must be whsec_ followed by the base64 of at least 24 bytes");
        }
        return secret;
    }

    private static DeliveryStatus status(String value) {
        if (value == null) {
            return null;
        }
        try {
            return DeliveryStatus.of(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField("status", e.getMessage());
        }
    }

    private Mono<WebhookSubscriptionView> readAfterWrite(Caller caller, String id, long version) {
        return readYourWrites.await(FindProjectedVersion.WEBHOOKS, id, version).then(find(caller, id));
    }

    private Mono<WebhookSubscriptionView> find(Caller caller, String id) {
        return Mono.defer(() -> queries.query(new FindWebhookSubscription(caller.organizationId(), id),
                        WebhookSubscriptionView.class))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("webhook subscription")));
    }
}
