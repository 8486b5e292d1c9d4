package io.keyhook.server.security;

import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.ProblemWriter;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class ProblemAccessDeniedHandler implements ServerAccessDeniedHandler {

    private final ProblemWriter writer;

    ProblemAccessDeniedHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        ApiProblem problem = RouteAuthorization.missingScope(exchange)
                .map(ApiProblem::missingScope)
                .orElseGet(() -> ApiProblem.forbidden("forbidden", "not allowed"));
        return writer.write(exchange, problem.problem());
    }
}
