package io.keyhook.server.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.account.UserIds;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Projection rebuilds. A rebuild reads the events of every organization, so only an operator of the
 * installation ({@code keyhook.operators}) may start one, logged in (a key, even an admin one, may not).
 */
@RestController
@RequestMapping("/api/v1/admin/replays")
public class ReplayController {

    private final Replays replays;
    private final Set<String> operatorIds;

    public ReplayController(Replays replays, KeyhookProperties properties) {
        this.replays = replays;
        this.operatorIds = properties.operators().stream().map(UserIds::forEmail).collect(Collectors.toUnmodifiableSet());
    }

    @Operation(summary = "Start a replay of a projection", responses = @ApiResponse(responseCode = "202",
            description = "The replay runs in the background (Location: its progress)", useReturnTypeSchema = true))
    @PostMapping
    public Mono<ResponseEntity<ReplayProgress>> start(@AuthenticationPrincipal Caller caller,
                                                      @Valid @RequestBody ReplayRequest request) {
        requireOperatorLogin(caller);
        return replays.start(caller.organizationId(), request.processingGroup())
                .map(progress -> ResponseEntity.accepted()
                        .location(URI.create("/api/v1/admin/replays/" + progress.id()))
                        .body(progress));
    }

    @Operation(summary = "Get a replay's progress")
    @GetMapping("/{id}")
    public ReplayProgress progress(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        requireOperatorLogin(caller);
        return replays.progress(caller.organizationId(), id).orElseThrow(() -> ApiProblem.notFound("replay"));
    }

    private void requireOperatorLogin(Caller caller) {
        if (!Caller.BY_JWT.equals(caller.authenticatedBy())) {
            throw ApiProblem.forbidden("login-required", "replays need an operator's login token, not an API key");
        }
        if (!operatorIds.contains(caller.userId())) {
            throw ApiProblem.forbidden("operator-only", "a replay rebuilds a projection of every organization: only an"
                    + " operator of this installation (keyhook.operators) may start one");
        }
    }
}
