package io.keyhook.server.account;

import io.swagger.v3.oas.annotations.Operation;
import io.keyhook.api.account.SignUp;
import io.keyhook.api.account.FindUser;
import io.keyhook.api.account.Role;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.account.UserView;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.security.Caller;
import io.keyhook.server.security.IssuedToken;
import io.keyhook.server.security.TokenIssuer;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Commands;
import io.keyhook.server.web.ReadYourWrites;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import jakarta.validation.Valid;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

@RestController
@RequestMapping("/api/v1/auth")
public class AuthController {

    private final Commands commands;
    private final ReactorQueryGateway queries;
    private final ReadYourWrites readYourWrites;
    private final Credentials credentials;
    private final TokenIssuer tokens;
    private final KeyhookProperties properties;

    public AuthController(Commands commands, ReactorQueryGateway queries, ReadYourWrites readYourWrites,
                          Credentials credentials, TokenIssuer tokens, KeyhookProperties properties) {
        this.commands = commands;
        this.queries = queries;
        this.readYourWrites = readYourWrites;
        this.credentials = credentials;
        this.tokens = tokens;
        this.properties = properties;
    }

    /** Creates an organization and its first user, an admin, and logs that user in. */
    @Operation(summary = "Sign up: create an organization and its first admin")
    @PostMapping("/signup")
    @ResponseStatus(HttpStatus.CREATED)
    @SecurityRequirements
    public Mono<SignupResponse> signup(@Valid @RequestBody SignupRequest request) {
        if (!properties.auth().signupEnabled()) {
            return Mono.error(ApiProblem.forbidden("signup-disabled", "sign-up is disabled on this server"));
        }
        String userId = UserIds.forEmail(request.email());
        String organizationId = UUID.randomUUID().toString();
        return credentials.hash(request.password())
                .flatMap(hash -> commands.send(new SignUp(organizationId, request.organization(), userId, request.email(),
                        hash)))
                .then(readYourWrites.await(FindProjectedVersion.ACCOUNTS, userId, 0))
                .then(readYourWrites.await(FindProjectedVersion.ACCOUNTS, organizationId, 0))
                .then(Mono.fromCallable(() -> tokens.issue(userId, organizationId, Role.ADMIN)))
                .map(token -> new SignupResponse(organizationId, userId, token.token(), token.expiresAt()));
    }

    @Operation(summary = "Log in: get a login token")
    @PostMapping("/login")
    @SecurityRequirements
    public Mono<IssuedToken> login(@Valid @RequestBody LoginRequest request) {
        return credentials.verify(request.email(), request.password())
                .map(user -> tokens.issue(user.userId(), user.organizationId(), user.role()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("wrong email or password")));
    }

    @Operation(summary = "Who the credential belongs to")
    @GetMapping("/me")
    public Mono<MeResponse> me(@AuthenticationPrincipal Caller caller) {
        return Mono.defer(() -> queries.query(new FindUser(caller.organizationId(), caller.userId()), UserView.class))
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("this user no longer exists")))
                .map(user -> new MeResponse(caller.organizationId(), user.organizationName(), caller.userId(),
                        user.email(), caller.role(), caller.authenticatedBy(), caller.keyId(), caller.scopes()));
    }
}
