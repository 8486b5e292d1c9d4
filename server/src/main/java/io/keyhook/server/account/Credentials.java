package io.keyhook.server.account;

import io.keyhook.api.account.FindUserCredentials;
import io.keyhook.api.account.UserCredentials;
import io.keyhook.command.account.PasswordHasher;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Optional;

/**
 * Password hashing and checking, off the event loop (Argon2id is deliberately slow). An unknown
 * email costs as much time as a wrong password, so logins do not reveal who has an account.
 */
@Component
public class Credentials {

    private final PasswordHasher hasher;
    private final ReactorQueryGateway queries;

    public Credentials(PasswordHasher hasher, ReactorQueryGateway queries) {
        this.hasher = hasher;
        this.queries = queries;
    }

    public Mono<String> hash(String password) {
        return Mono.fromCallable(() -> hasher.hash(password)).subscribeOn(Schedulers.boundedElastic());
    }

    public Mono<UserCredentials> verify(String email, String password) {
        return queries.query(new FindUserCredentials(email), UserCredentials.class)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .publishOn(Schedulers.boundedElastic())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        hasher.burnComparableTime(password);
                        return Mono.empty();
                    }
                    return hasher.matches(password, found.get().passwordHash()) ? Mono.just(found.get()) : Mono.empty();
                });
    }
}
