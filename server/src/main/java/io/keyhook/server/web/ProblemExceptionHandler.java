package io.keyhook.server.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The one place every failure becomes an RFC 9457 problem: controllers, filters and the framework's
 * own errors alike, as {@link ProblemTable} says. Client mistakes get a 4xx that says what to fix;
 * anything else a 500 that says nothing about the internals (the details go to the log).
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final ProblemWriter writer;

    public ProblemExceptionHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ProblemMapping.Answer answer = ProblemTable.answer(error);
        answer.mapping().logged().ifPresent(logged -> log.atLevel(logged.level()).setCause(error).log("{} serving {} {}",
                logged.what(), exchange.getRequest().getMethod(), exchange.getRequest().getPath()));
        answer.headers().forEach((name, values) -> exchange.getResponse().getHeaders().addAll(name, values));
        if (answer.problem().getStatus() == HttpStatus.UNAUTHORIZED.value()) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"keyhook\"");
        }
        return writer.write(exchange, answer.problem());
    }
}
