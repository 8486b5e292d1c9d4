package io.keyhook.server.account;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.account.AddUser;
import io.keyhook.api.account.FindUser;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.account.UserView;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.Commands;
import io.keyhook.server.web.ReadYourWrites;
import jakarta.validation.Valid;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;

@RestController
@RequestMapping("/api/v1/users")
public class UserController {

    private final Commands commands;
    private final ReactorQueryGateway queries;
    private final ReadYourWrites readYourWrites;
    private final Credentials credentials;

    public UserController(Commands commands, ReactorQueryGateway queries, ReadYourWrites readYourWrites,
                          Credentials credentials) {
        this.commands = commands;
        this.queries = queries;
        this.readYourWrites = readYourWrites;
        this.credentials = credentials;
    }

    /** Adds a user to the caller's organization (admins only); emits {@code user.added}. */
    @Operation(summary = "Add a user to the organization", responses = {
            @ApiResponse(responseCode = "201", description = "The user, as added", useReturnTypeSchema = true),
            @ApiResponse(responseCode = "202", description = "Added, but not readable yet", content = @Content)})
    @PostMapping
    public Mono<ResponseEntity<UserView>> add(@AuthenticationPrincipal Caller caller,
                                              @Valid @RequestBody AddUserRequest request) {
        String userId = UserIds.forEmail(request.email());
        return credentials.hash(request.password())
                .flatMap(hash -> commands.send(new AddUser(userId, caller.organizationId(), request.email(), hash,
                        request.role(), caller.userId())))
                .then(readYourWrites.await(FindProjectedVersion.ACCOUNTS, userId, 0))
                .then(Mono.defer(() -> queries.query(new FindUser(caller.organizationId(), userId), UserView.class)))
                .map(user -> ResponseEntity.created(URI.create("/api/v1/users/" + userId)).body(user))
                .defaultIfEmpty(ResponseEntity.accepted().build());
    }
}
