package io.keyhook.server.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConflictingModificationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

import java.util.Locale;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place every failure becomes an RFC 9457 problem: controllers, filters and the framework's
 * own errors alike. Client mistakes get a 4xx that says what to fix; anything else a 500 that says
 * nothing about the internals (the details go to the log).
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
        ProblemDetail problem = toProblem(error, exchange);
        if (problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"keyhook\"");
        }
        return writer.write(exchange, problem);
    }

    private ProblemDetail toProblem(Throwable error, ServerWebExchange exchange) {
        if (error instanceof ApiProblem problem) {
            return problem.problem();
        }
        if (error instanceof WebExchangeBindException binding) {
            return invalidFields(binding);
        }
        if (causes(error).anyMatch(DataBufferLimitException.class::isInstance)) {
            return ApiProblem.of(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "Payload too large",
                    "the request body is larger than 1 MiB").problem();
        }
        if (error instanceof ServerExchangeRejectedException rejected) {
            return ApiProblem.of(HttpStatus.BAD_REQUEST, "rejected", "Request rejected", rejected.getMessage()).problem();
        }
        if (error instanceof ServerWebInputException input) {
            return badInput(input);
        }
        if (error instanceof ResponseStatusException status) {
            status.getHeaders().forEach((name, values) -> exchange.getResponse().getHeaders().addAll(name, values));
            HttpStatus code = HttpStatus.valueOf(status.getStatusCode().value());
            return ApiProblem.of(code, "http-" + code.value(), code.getReasonPhrase(), reason(status)).problem();
        }
        Optional<ProblemDetail> domain = domainProblem(error);
        if (domain.isPresent()) {
            return domain.get();
        }
        if (error instanceof AccessDeniedException) {
            return ApiProblem.forbidden("forbidden", "not allowed").problem();
        }
        if (error instanceof AuthenticationException) {
            return ApiProblem.unauthorized("authentication required").problem();
        }
        if (causes(error).anyMatch(TimeoutException.class::isInstance)) {
            log.warn("Request {} timed out", exchange.getRequest().getPath(), error);
            return ApiProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "timeout", "Service unavailable",
                    "the server took too long; retry later").problem();
        }
        log.error("Unexpected failure serving {} {}", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), error);
        return ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "an unexpected error occurred").problem();
    }

    private static Optional<ProblemDetail> domainProblem(Throwable error) {
        return causes(error).map(cause -> {
            if (cause instanceof CommandExecutionException rejected) {
                return rejected.getDetails().filter(ErrorCode.class::isInstance).map(ErrorCode.class::cast)
                        .map(code -> ApiProblem.of(HttpStatus.valueOf(code.status()),
                                code.name().toLowerCase(Locale.ROOT).replace('_', '-'), code.title(),
                                rejected.getMessage()).problem())
                        .orElse(null);
            }
            if (cause instanceof AggregateNotFoundException) {
                return ApiProblem.notFound("resource").problem();
            }
            if (cause instanceof ConcurrencyException || cause instanceof ConflictingModificationException
                    || cause instanceof AggregateStreamCreationException) {
                return ApiProblem.of(HttpStatus.CONFLICT, "conflict", "Conflicting change",
                        "the resource was changed concurrently or since the version you sent; read it again").problem();
            }
            return null;
        }).filter(java.util.Objects::nonNull).findFirst();
    }

    private static ProblemDetail invalidFields(WebExchangeBindException binding) {
        List<FieldProblem> errors = Stream.concat(
                binding.getFieldErrors().stream()
                        .map(field -> new FieldProblem(field.getField(), String.valueOf(field.getDefaultMessage()))),
                binding.getGlobalErrors().stream()
                        .map(global -> new FieldProblem(global.getObjectName(), String.valueOf(global.getDefaultMessage()))))
                .toList();
        return ApiProblem.invalidFields(errors).problem();
    }

    /** The framework's reason, but never the names of the classes behind an endpoint. */
    private static String reason(ResponseStatusException status) {
        if (status instanceof UnsupportedMediaTypeStatusException unsupported
                && !unsupported.getSupportedMediaTypes().isEmpty()) {
            return "send the body as " + unsupported.getSupportedMediaTypes().stream()
                    .map(MediaType::toString).collect(Collectors.joining(" or "));
        }
        if (status instanceof NoResourceFoundException) {
            return "nothing is served at this path";
        }
        return Optional.ofNullable(status.getReason()).orElse("request refused");
    }

    private static ProblemDetail badInput(ServerWebInputException input) {
        if (causes(input).anyMatch(JsonParseException.class::isInstance)) {
            return malformedJson();
        }
        Optional<JsonMappingException> mapping = causes(input)
                .filter(JsonMappingException.class::isInstance).map(JsonMappingException.class::cast).findFirst();
        if (mapping.isPresent() && !mapping.get().getPath().isEmpty()) {
            String field = mapping.get().getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String reason = mapping.get() instanceof UnrecognizedPropertyException ? "unknown field"
                    : causes(input).filter(IllegalArgumentException.class::isInstance).findFirst()
                            .map(Throwable::getMessage).orElse("has a value of the wrong type");
            return ApiProblem.invalidField(field, reason).problem();
        }
        if (causes(input).anyMatch(JsonProcessingException.class::isInstance)) {
            return malformedJson();
        }
        if (input.getMethodParameter() != null && input.getMethodParameter().getParameterName() != null
                && !"No request body".equals(input.getReason())) {
            return ApiProblem.invalidField(input.getMethodParameter().getParameterName(), "has an invalid value").problem();
        }
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "No request body".equals(input.getReason()) ? "a request body is required"
                        : Optional.ofNullable(input.getReason()).orElse("the request could not be read")).problem();
    }

    private static ProblemDetail malformedJson() {
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                "the request body is not valid JSON").problem();
    }

    private static Stream<Throwable> causes(Throwable error) {
        return Stream.iterate(error, cause -> cause != null, cause -> cause.getCause() == cause ? null : cause.getCause())
                .limit(10);
    }
}
