package io.keyhook.server.web;

import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTableTest {

    private static final List<ProblemMapping<?>> MAPPINGS = ProblemTable.ROWS.stream()
            .flatMap(row -> row.mappings().stream()).toList();

    @Test
    void everyStatusIsAClientOrServerError() {
        MAPPINGS.forEach(mapping -> mapping.status().ifPresent(status -> assertThat(status.value())
                .as(mapping.type().getSimpleName()).isBetween(400, 599)));
        Arrays.stream(ErrorCode.values()).forEach(code -> assertThat(code.status()).as(code.name()).isBetween(400, 599));
    }

    /** A row below one that takes its supertype would never be asked. */
    @Test
    void noRowIsHiddenByARowAboveIt() {
        for (int below = 0; below < MAPPINGS.size() - 1; below++) {
            for (int above = 0; above < below; above++) {
                assertThat(MAPPINGS.get(above).type().isAssignableFrom(MAPPINGS.get(below).type()))
                        .as("%s above %s", MAPPINGS.get(above).type().getSimpleName(),
                                MAPPINGS.get(below).type().getSimpleName())
                        .isFalse();
            }
        }
        ProblemTable.Row last = ProblemTable.ROWS.get(ProblemTable.ROWS.size() - 1);
        assertThat(last.mappings()).singleElement().satisfies(mapping -> {
            assertThat(mapping.type()).isEqualTo(Throwable.class);
            assertThat(mapping.status()).contains(HttpStatus.INTERNAL_SERVER_ERROR);
        });
    }

    @Test
    void aWrappedCauseIsFound() {
        assertAnswer(new CompletionException(new TimeoutException()), 503, "timeout");
        assertAnswer(new ServerWebInputException("no", null, new DataBufferLimitException("1 MiB")), 413, "too-large");
        assertThat(ProblemTable.answer(new CompletionException(new TimeoutException())).mapping().logged())
                .hasValueSatisfying(logged -> assertThat(logged.level()).isEqualTo(Level.WARN));
    }

    @Test
    void anAggregatesRefusalAnswersWithItsErrorCodeOrPassesOn() {
        assertAnswer(new CommandExecutionException("taken", null, ErrorCode.EMAIL_TAKEN), 409, "email-taken");
        assertAnswer(new CommandExecutionException("gone", new AggregateNotFoundException("item-1", "none")), 404,
                "not-found");
        assertAnswer(new CommandExecutionException("no code", null), 500, "internal");
    }

    @Test
    void theOutermostDomainFailureDecides() {
        assertAnswer(new ConcurrencyException("changed", new AggregateNotFoundException("item-1", "none")), 409,
                "conflict");
    }

    @Test
    void aStatusExceptionKeepsItsHeaders() {
        ProblemMapping.Answer answer = ProblemTable.answer(new MethodNotAllowedException(HttpMethod.PATCH,
                Set.of(HttpMethod.GET)));
        assertThat(answer.problem().getStatus()).isEqualTo(405);
        assertThat(answer.problem().getType()).hasToString("urn:keyhook:problem:http-405");
        assertThat(answer.headers().getFirst(HttpHeaders.ALLOW)).isEqualTo("GET");
    }

    @Test
    void anythingElseIsAnInternalErrorThatIsLogged() {
        ProblemMapping.Answer answer = assertAnswer(new IllegalStateException("bug"), 500, "internal");
        assertThat(answer.problem().getDetail()).doesNotContain("bug");
        assertThat(answer.mapping().logged()).hasValueSatisfying(logged -> assertThat(logged.level()).isEqualTo(Level.ERROR));
    }

    private static ProblemMapping.Answer assertAnswer(Throwable failure, int status, String code) {
        ProblemMapping.Answer answer = ProblemTable.answer(failure);
        assertThat(answer.problem().getStatus()).as(failure.toString()).isEqualTo(status);
        assertThat(answer.problem().getType()).as(failure.toString()).isEqualTo(ApiProblem.type(code));
        return answer;
    }
}
