package io.keyhook.server.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a declared body over 1 MiB before reading a byte of it. A chunked body without a length
 * is bounded by the codec limit ({@code spring.codec.max-in-memory-size}) instead.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodySizeLimitFilter implements WebFilter {

    static final long MAX_BODY_BYTES = 1024 * 1024;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getHeaders().getContentLength() > MAX_BODY_BYTES) {
            return Mono.error(ApiProblem.of(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "Payload too large",
                    "the request body is larger than 1 MiB"));
        }
        return chain.filter(exchange);
    }
}
