package io.keyhook.server.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.Arrays;
import java.util.List;

/**
 * Refuses a request body in a content coding ({@code Content-Encoding: gzip}, {@code br}, ...) with a
 * 415 that answers {@code Accept-Encoding: identity} (RFC 9110, 15.5.16): bodies are read as they come,
 * so a compressed one would be read as garbage, and one that only claims a coding as a request the
 * client did not mean to send.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ContentCodingFilter implements WebFilter {

    private static final String IDENTITY = "identity";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        List<String> codings = headers.getOrEmpty(HttpHeaders.CONTENT_ENCODING).stream()
                .flatMap(value -> Arrays.stream(value.split(","))).map(String::trim)
                .filter(coding -> !coding.isEmpty() && !coding.equalsIgnoreCase(IDENTITY)).toList();
        boolean hasBody = headers.getContentLength() > 0 || headers.containsKey(HttpHeaders.TRANSFER_ENCODING);
        if (hasBody && !codings.isEmpty()) {
            exchange.getResponse().getHeaders().set(HttpHeaders.ACCEPT_ENCODING, IDENTITY);
            return Mono.error(ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-content-encoding",
                    "Unsupported Media Type", "send the body without a content coding, not as "
                            + String.join(", ", codings)));
        }
        return chain.filter(exchange);
    }
}
