package io.keyhook.server.web;

import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingModificationException;
import org.slf4j.event.Level;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static io.keyhook.server.web.ProblemMapping.built;
import static io.keyhook.server.web.ProblemMapping.carried;
import static io.keyhook.server.web.ProblemMapping.fixed;
import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;
import static org.springframework.http.HttpStatus.UNAUTHORIZED;

/**
 * Which failure becomes which problem, read top to bottom: the first row that takes a failure answers,
 * so a type stands above its supertypes, and the last row takes anything. A {@code thrown} row looks at
 * the failure itself; an {@code amongCauses} row at it and at what it wraps (codecs, Reactor and Axon
 * wrap), asking its mappings of each cause in turn, so the outermost cause that one of them takes decides.
 */
final class ProblemTable {

    private static final String CHANGED = "the resource was changed concurrently or since the version you sent; read it again";

    static final List<Row> ROWS = List.of(
            thrown(carried(ApiProblem.class, problem -> Optional.of(problem.problem()))),
            thrown(built(WebExchangeBindException.class, BAD_REQUEST, InputProblems::invalidFields)),
            amongCauses(fixed(DataBufferLimitException.class, PAYLOAD_TOO_LARGE, "too-large", "Payload too large",
                    tooLarge -> "the request body is larger than 1 MiB")),
            thrown(fixed(ServerExchangeRejectedException.class, BAD_REQUEST, "rejected", "Request rejected",
                    Throwable::getMessage)),
            thrown(built(ServerWebInputException.class, BAD_REQUEST, InputProblems::badInput)),
            thrown(carried(ResponseStatusException.class, status -> Optional.of(statusProblem(status)))
                    .withHeaders(ResponseStatusException::getHeaders)),
            amongCauses(
                    carried(CommandExecutionException.class, ProblemTable::rejection),
                    fixed(AggregateNotFoundException.class, NOT_FOUND, "not-found", "Not found", missing -> "resource not found"),
                    fixed(ConcurrencyException.class, CONFLICT, "conflict", "Conflicting change", conflict -> CHANGED),
                    fixed(ConflictingModificationException.class, CONFLICT, "conflict", "Conflicting change", conflict -> CHANGED),
                    fixed(AggregateStreamCreationException.class, CONFLICT, "conflict", "Conflicting change", conflict -> CHANGED)),
            thrown(fixed(AccessDeniedException.class, FORBIDDEN, "forbidden", "Forbidden", denied -> "not allowed")),
            thrown(fixed(AuthenticationException.class, UNAUTHORIZED, "unauthorized", "Unauthorized",
                    failed -> "authentication required")),
            amongCauses(fixed(TimeoutException.class, SERVICE_UNAVAILABLE, "timeout", "Service unavailable",
                    timeout -> "the server took too long; retry later").logged(Level.WARN, "Timeout")),
            thrown(fixed(Throwable.class, INTERNAL_SERVER_ERROR, "internal", "Internal error",
                    any -> "an unexpected error occurred").logged(Level.ERROR, "Unexpected failure")));

    record Row(boolean amongCauses, List<ProblemMapping<?>> mappings) {
    }

    private ProblemTable() {
    }

    static ProblemMapping.Answer answer(Throwable failure) {
        for (Row row : ROWS) {
            List<Throwable> looked = row.amongCauses() ? Causes.of(failure).toList() : List.of(failure);
            for (Throwable cause : looked) {
                for (ProblemMapping<?> mapping : row.mappings()) {
                    Optional<ProblemMapping.Answer> answer = mapping.answer(cause);
                    if (answer.isPresent()) {
                        return answer.get();
                    }
                }
            }
        }
        throw new IllegalStateException("the last row of the problem table takes every failure", failure);
    }

    private static Row thrown(ProblemMapping<?> mapping) {
        return new Row(false, List.of(mapping));
    }

    private static Row amongCauses(ProblemMapping<?>... mappings) {
        return new Row(true, List.of(mappings));
    }

    /** An aggregate's refusal names its {@link ErrorCode}; without one, it is no client mistake. */
    private static Optional<ProblemDetail> rejection(CommandExecutionException rejected) {
        return rejected.getDetails().filter(ErrorCode.class::isInstance).map(ErrorCode.class::cast)
                .map(code -> ApiProblem.of(HttpStatus.valueOf(code.status()),
                        code.name().toLowerCase(Locale.ROOT).replace('_', '-'), code.title(),
                        rejected.getMessage()).problem());
    }

    private static ProblemDetail statusProblem(ResponseStatusException status) {
        HttpStatus code = HttpStatus.valueOf(status.getStatusCode().value());
        return ApiProblem.of(code, "http-" + code.value(), code.getReasonPhrase(), reason(status)).problem();
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
}
