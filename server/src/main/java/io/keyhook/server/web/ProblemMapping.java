package io.keyhook.server.web;

import org.slf4j.event.Level;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.util.Optional;
import java.util.function.Function;

/**
 * One row of {@link ProblemTable}: a failure of {@code type} becomes the problem that {@code problem}
 * builds, and {@code headers} go on the answer. {@code status} is empty where the failure carries its
 * own. A row may pass a failure on (an empty problem) to the rows below it.
 */
record ProblemMapping<T extends Throwable>(Class<T> type, Optional<HttpStatus> status,
                                           Function<T, Optional<ProblemDetail>> problem,
                                           Function<T, HttpHeaders> headers, Optional<Logged> logged) {

    /** The problem says nothing about what went wrong, so the log does, at {@code level}. */
    record Logged(Level level, String what) {
    }

    record Answer(ProblemMapping<?> mapping, ProblemDetail problem, HttpHeaders headers) {
    }

    static <T extends Throwable> ProblemMapping<T> fixed(Class<T> type, HttpStatus status, String code, String title,
                                                         Function<T, String> detail) {
        return built(type, status, failure -> ApiProblem.of(status, code, title, detail.apply(failure)).problem());
    }

    /** Type, title and detail depend on the failure; the status does not. */
    static <T extends Throwable> ProblemMapping<T> built(Class<T> type, HttpStatus status, Function<T, ProblemDetail> problem) {
        return new ProblemMapping<>(type, Optional.of(status), problem.andThen(Optional::of), failure -> HttpHeaders.EMPTY,
                Optional.empty());
    }

    /** The failure carries its status; where it carries no problem, the rows below are asked. */
    static <T extends Throwable> ProblemMapping<T> carried(Class<T> type, Function<T, Optional<ProblemDetail>> problem) {
        return new ProblemMapping<>(type, Optional.empty(), problem, failure -> HttpHeaders.EMPTY, Optional.empty());
    }

    ProblemMapping<T> withHeaders(Function<T, HttpHeaders> headers) {
        return new ProblemMapping<>(type, status, problem, headers, logged);
    }

    ProblemMapping<T> logged(Level level, String what) {
        return new ProblemMapping<>(type, status, problem, headers, Optional.of(new Logged(level, what)));
    }

    Optional<Answer> answer(Throwable failure) {
        if (!type.isInstance(failure)) {
            return Optional.empty();
        }
        T typed = type.cast(failure);
        return problem.apply(typed).map(problem -> new Answer(this, problem, headers.apply(typed)));
    }
}
