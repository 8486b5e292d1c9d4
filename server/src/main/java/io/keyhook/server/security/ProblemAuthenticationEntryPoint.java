package io.keyhook.server.security;

import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 as a problem, with a {@code WWW-Authenticate} challenge that says whether a token was refused. */
class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

    private final ProblemWriter writer;

    ProblemAuthenticationEntryPoint(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        boolean tokenRefused = failure instanceof OAuth2AuthenticationException;
        String challenge = tokenRefused
                ? "Bearer realm=\"keyhook\", error=\"invalid_token\", error_description=\"the token is invalid or expired\""
                : "Bearer realm=\"keyhook\"";
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        String detail = tokenRefused ? "the bearer token is invalid or expired"
                : "this request needs a login token (Authorization: Bearer ...) or an API key (X-API-Key)";
        return writer.write(exchange, ApiProblem.unauthorized(detail).problem());
    }
}
