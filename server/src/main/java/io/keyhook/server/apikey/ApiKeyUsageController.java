package io.keyhook.server.apikey;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.apikey.ApiKeyView;
import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.FindApiKey;
import io.keyhook.api.apikey.FindApiKeyUsage;
import io.keyhook.api.apikey.FindDailyUsage;
import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageOutcome;
import io.keyhook.api.apikey.UsagePage;
import io.keyhook.api.common.Timestamps;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Paging;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The audit trail of one key: every attempt, newest first, as pages of JSON or as one NDJSON stream
 * (for export); and per-day counts by reason.
 */
@RestController
@RequestMapping("/api/v1/api-keys/{id}/usage")
public class ApiKeyUsageController {

    private static final int EXPORT_PAGE = 500;

    private final ReactorQueryGateway queries;
    private final UsageRebuilds rebuilds;

    public ApiKeyUsageController(ReactorQueryGateway queries, UsageRebuilds rebuilds) {
        this.queries = queries;
        this.rebuilds = rebuilds;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<UsagePage> page(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                @RequestParam(required = false) Instant from,
                                @RequestParam(required = false) Instant to,
                                @RequestParam(required = false) String outcome,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "20") int size) {
        requireInRange("from", from);
        requireInRange("to", to);
        Paging paging = Paging.of(page, size);
        FindApiKeyUsage query = new FindApiKeyUsage(caller.organizationId(), id, from, to, outcome(outcome),
                paging.page(), paging.size());
        return requireKey(caller, id).then(Mono.defer(() -> queries.query(query, UsagePage.class)));
    }

    @Operation(summary = "An API key's usage audit trail", responses = @ApiResponse(responseCode = "200",
            description = "A page of attempts, newest first; or, asked for NDJSON, all of them, one UsageEntry per line",
            content = @Content(mediaType = MediaType.APPLICATION_NDJSON_VALUE, schema = @Schema(type = "string"))))
    @GetMapping(produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<UsageEntry> export(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                   @RequestParam(required = false) Instant from,
                                   @RequestParam(required = false) Instant to,
                                   @RequestParam(required = false) String outcome) {
        requireInRange("from", from);
        requireInRange("to", to);
        UsageOutcome filter = outcome(outcome);
        // An upper bound fixed at the start keeps pages stable while new attempts arrive.
        Instant until = to != null ? to : Instant.now().plusSeconds(1);
        return requireKey(caller, id).thenMany(Flux.range(0, Integer.MAX_VALUE)
                .concatMap(page -> queries.query(new FindApiKeyUsage(caller.organizationId(), id, from, until,
                        filter, page, EXPORT_PAGE), UsagePage.class), 1)
                .takeUntil(page -> page.entries().size() < EXPORT_PAGE)
                .concatMapIterable(UsagePage::entries));
    }

    @Operation(summary = "An API key's attempts per day")
    @GetMapping("/daily")
    public Mono<List<DailyUsage>> daily(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return requireKey(caller, id).then(Mono.defer(() -> queries.query(
                new FindDailyUsage(caller.organizationId(), id), ResponseTypes.multipleInstancesOf(DailyUsage.class))));
    }

    /** For an organization's admin, after a read model went wrong: nothing of other organizations is touched. */
    @Operation(summary = "Rebuild an API key's usage audit from the event store", responses = @ApiResponse(
            responseCode = "202", description = "The rebuild runs in the background (Location: its progress)",
            useReturnTypeSchema = true))
    @PostMapping("/rebuild")
    public Mono<ResponseEntity<UsageRebuild>> rebuild(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return requireKey(caller, id).then(Mono.defer(() -> rebuilds.start(id)))
                .map(rebuild -> ResponseEntity.accepted()
                        .location(URI.create("/api/v1/api-keys/" + id + "/usage/rebuild/" + rebuild.id()))
                        .body(rebuild));
    }

    @Operation(summary = "Get the progress of a usage audit rebuild")
    @GetMapping("/rebuild/{rebuildId}")
    public Mono<UsageRebuild> rebuildProgress(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                              @PathVariable String rebuildId) {
        return requireKey(caller, id).then(Mono.fromSupplier(() -> rebuilds.progress(id, rebuildId)
                .orElseThrow(() -> ApiProblem.notFound("rebuild"))));
    }

    private Mono<ApiKeyView> requireKey(Caller caller, String id) {
        return Mono.defer(() -> queries.query(new FindApiKey(caller.organizationId(), id), ApiKeyView.class))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("API key")));
    }

    /** The read model cannot compare with an instant it cannot store. */
    private static void requireInRange(String parameter, Instant value) {
        if (value != null && !Timestamps.inRange(value)) {
            throw ApiProblem.invalidField(parameter, Timestamps.RANGE);
        }
    }

    private static UsageOutcome outcome(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UsageOutcome.of(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField("outcome", "must be one of: allowed, denied");
        }
    }
}
