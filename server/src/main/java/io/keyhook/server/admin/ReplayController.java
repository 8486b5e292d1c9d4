package io.keyhook.server.admin;

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

/** Projection rebuilds, for an administrator who is logged in (a key, even an admin one, may not). */
@RestController
@RequestMapping("/api/v1/admin/replays")
public class ReplayController {

    private final Replays replays;

    public ReplayController(Replays replays) {
        this.replays = replays;
    }

    @PostMapping
    public Mono<ResponseEntity<ReplayProgress>> start(@AuthenticationPrincipal Caller caller,
                                                      @Valid @RequestBody ReplayRequest request) {
        requireAdminLogin(caller);
        return replays.start(caller.organizationId(), request.processingGroup())
                .map(progress -> ResponseEntity.accepted()
                        .location(URI.create("/api/v1/admin/replays/" + progress.id()))
                        .body(progress));
    }

    @GetMapping("/{id}")
    public ReplayProgress progress(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        requireAdminLogin(caller);
        return replays.progress(caller.organizationId(), id).orElseThrow(() -> ApiProblem.notFound("replay"));
    }

    private static void requireAdminLogin(Caller caller) {
        caller.requireAdmin();
        if (!Caller.BY_JWT.equals(caller.authenticatedBy())) {
            throw ApiProblem.forbidden("login-required", "replays need an administrator's login token, not an API key");
        }
    }
}
