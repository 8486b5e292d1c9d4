package io.keyhook.server.apikey;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.apikey.ApiKeyPage;
import io.keyhook.api.apikey.ApiKeyView;
import io.keyhook.api.apikey.Environment;
import io.keyhook.api.apikey.FindApiKey;
import io.keyhook.api.apikey.FindApiKeys;
import io.keyhook.api.apikey.IssueApiKey;
import io.keyhook.api.apikey.RevokeApiKey;
import io.keyhook.api.apikey.RotateApiKey;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.command.apikey.ApiKeyFormat;
import io.keyhook.command.apikey.ApiKeyHasher;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Commands;
import io.keyhook.server.web.Paging;
import io.keyhook.server.web.ReadYourWrites;
import jakarta.validation.Valid;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;

/**
 * Keys of the caller's organization. The plaintext key is generated here, returned once and never
 * stored: commands and events carry only its stored form.
 */
@RestController
@RequestMapping("/api/v1/api-keys")
public class ApiKeyController {

    private final Commands commands;
    private final ReactorQueryGateway queries;
    private final ReadYourWrites readYourWrites;
    private final ApiKeyHasher hasher;
    private final SecureRandom random;

    public ApiKeyController(Commands commands, ReactorQueryGateway queries, ReadYourWrites readYourWrites,
                            ApiKeyHasher hasher, SecureRandom random) {
        this.commands = commands;
        this.queries = queries;
        this.readYourWrites = readYourWrites;
        this.hasher = hasher;
        this.random = random;
    }

    @Operation(summary = "Issue an API key (answers the key once)", responses = @ApiResponse(responseCode = "201",
            description = "The key, in plaintext this once, with its metadata", useReturnTypeSchema = true))
    @PostMapping
    public Mono<ResponseEntity<IssuedApiKey>> issue(@AuthenticationPrincipal Caller caller,
                                                    @Valid @RequestBody IssueApiKeyRequest request) {
        String keyId = UUID.randomUUID().toString();
        Environment environment = request.environmentOrLive();
        return generate(environment).flatMap(key -> commands.<String>send(new IssueApiKey(keyId,
                                caller.organizationId(), caller.userId(), caller.role(), caller.scopes(), request.name(),
                                request.scopes(), environment, key.generated().prefix(), key.stored().lookup(),
                                key.stored().verifier(), request.expiresAt(), request.rateLimitPerMinute(),
                                request.allowedIps()))
                        .then(readAfterWrite(caller, keyId, 0))
                        .map(view -> ResponseEntity.created(URI.create("/api/v1/api-keys/" + keyId))
                                .cacheControl(CacheControl.noStore())
                                .body(new IssuedApiKey(key.generated().plaintext(), view))));
    }

    @Operation(summary = "List API keys")
    @GetMapping
    public Mono<ApiKeyPage> list(@AuthenticationPrincipal Caller caller,
                                 @RequestParam(defaultValue = "0") int page,
                                 @RequestParam(defaultValue = "20") int size) {
        Paging paging = Paging.of(page, size);
        return Mono.defer(() -> queries.query(new FindApiKeys(caller.organizationId(), paging.page(), paging.size()),
                ApiKeyPage.class));
    }

    @Operation(summary = "Get an API key")
    @GetMapping("/{id}")
    public Mono<ApiKeyView> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return find(caller, id);
    }

    @Operation(summary = "Rotate an API key (answers the new key once)")
    @PostMapping("/{id}/rotate")
    public Mono<ResponseEntity<IssuedApiKey>> rotate(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                     @Valid @RequestBody(required = false) RotateApiKeyRequest request) {
        Duration grace = request == null ? RotateApiKeyRequest.DEFAULT_GRACE : request.gracePeriod();
        return find(caller, id).flatMap(current -> generate(current.environment())
                .flatMap(key -> commands.<Long>send(new RotateApiKey(id, caller.organizationId(),
                                key.generated().prefix(), key.stored().lookup(), key.stored().verifier(), grace))
                        .flatMap(version -> readAfterWrite(caller, id, version))
                        .map(view -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                                .body(new IssuedApiKey(key.generated().plaintext(), view)))));
    }

    @Operation(summary = "Revoke an API key", responses = @ApiResponse(responseCode = "204", description = "Revoked"))
    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> revoke(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return commands.<Long>send(new RevokeApiKey(id, caller.organizationId()))
                .flatMap(version -> readYourWrites.await(FindProjectedVersion.API_KEYS, id, version))
                .then(Mono.just(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build()));
    }

    private record NewKey(ApiKeyFormat.GeneratedKey generated, ApiKeyHasher.StoredKey stored) {
    }

    /** Off the event loop: with a slow hash configured, storing a key takes tens of milliseconds. */
    private Mono<NewKey> generate(Environment environment) {
        return Mono.fromCallable(() -> {
            ApiKeyFormat.GeneratedKey generated = ApiKeyFormat.generate(environment, random);
            return new NewKey(generated, hasher.store(generated));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<ApiKeyView> readAfterWrite(Caller caller, String keyId, long version) {
        return readYourWrites.await(FindProjectedVersion.API_KEYS, keyId, version).then(find(caller, keyId));
    }

    Mono<ApiKeyView> find(Caller caller, String keyId) {
        return Mono.defer(() -> queries.query(new FindApiKey(caller.organizationId(), keyId), ApiKeyView.class))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("API key")));
    }
}
