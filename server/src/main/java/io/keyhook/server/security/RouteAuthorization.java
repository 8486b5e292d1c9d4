package io.keyhook.server.security;

import io.keyhook.api.apikey.Scope;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * Lets an authenticated caller through to a route only with the scope {@link RouteScopes} names for
 * it, whatever the credential: the scopes of a login token follow from its role, a key's are its own.
 * A denial leaves the scope that was missing on the exchange, for the problem response.
 */
public final class RouteAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final String MISSING_SCOPE = RouteAuthorization.class.getName() + ".missingScope";

    @Override
    public Mono<AuthorizationDecision> check(Mono<Authentication> authentication, AuthorizationContext context) {
        ServerWebExchange exchange = context.getExchange();
        Optional<Scope> needed = RouteScopes.required(exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value());
        return authentication
                .filter(Authentication::isAuthenticated)
                .map(authenticated -> {
                    if (needed.isEmpty()) {
                        return new AuthorizationDecision(true);
                    }
                    boolean allowed = authenticated.getPrincipal() instanceof Caller caller
                            && caller.scopes().contains(needed.get());
                    if (!allowed) {
                        exchange.getAttributes().put(MISSING_SCOPE, needed.get());
                    }
                    return new AuthorizationDecision(allowed);
                })
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /** The scope a denied request lacked, if it was denied for want of one. */
    static Optional<Scope> missingScope(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(MISSING_SCOPE));
    }
}
