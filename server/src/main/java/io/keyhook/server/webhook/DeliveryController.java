package io.keyhook.server.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.delivery.FindDelivery;
import io.keyhook.api.delivery.RedeliverDelivery;
import io.keyhook.api.webhook.FindWebhookSubscription;
import io.keyhook.api.webhook.WebhookSubscriptionView;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Commands;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;

/** One delivery with all its attempts, and redelivery of one that did not succeed (same {@code webhook-id}). */
@RestController
@RequestMapping("/api/v1/deliveries")
public class DeliveryController {

    private final Commands commands;
    private final ReactorQueryGateway queries;

    public DeliveryController(Commands commands, ReactorQueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @Operation(summary = "Get a delivery with its attempts")
    @GetMapping("/{id}")
    public Mono<DeliveryView> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return find(caller, id);
    }

    @Operation(summary = "Attempt a delivery again", responses = @ApiResponse(responseCode = "202",
            description = "A new series of attempts is under way (Location: the delivery)", useReturnTypeSchema = true))
    @PostMapping("/{id}/redeliver")
    public Mono<ResponseEntity<AcceptedDelivery>> redeliver(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return find(caller, id)
                .flatMap(delivery -> Mono.defer(() -> queries.query(new FindWebhookSubscription(caller.organizationId(),
                        delivery.subscriptionId()), WebhookSubscriptionView.class)))
                .switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.CONFLICT, "subscription-deleted",
                        "Subscription deleted", "the delivery's subscription was deleted")))
                .flatMap(subscription -> subscription.active() ? Mono.just(subscription)
                        : Mono.error(ApiProblem.of(HttpStatus.CONFLICT, "subscription-disabled", "Subscription disabled",
                        "the subscription is disabled; enable it before redelivering")))
                .flatMap(subscription -> commands.send(new RedeliverDelivery(id, caller.organizationId())))
                // Built once the delivery is found: the path's id may be anything a URI cannot hold.
                .then(Mono.fromSupplier(() -> ResponseEntity.accepted().location(URI.create("/api/v1/deliveries/" + id))
                        .body(new AcceptedDelivery(id))));
    }

    private Mono<DeliveryView> find(Caller caller, String id) {
        return Mono.defer(() -> queries.query(new FindDelivery(caller.organizationId(), id), DeliveryView.class))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("delivery")));
    }
}
