package io.keyhook.server.web;

import io.keyhook.api.apikey.Scope;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/** An error meant for the client, rendered as an RFC 9457 problem. */
public class ApiProblem extends RuntimeException {

    /** A body of a mebibyte can hold a hundred thousand wrong fields; the problem names this many of them. */
    public static final int MAX_NAMED_FIELDS = 20;

    private final transient ProblemDetail problem;

    private ApiProblem(ProblemDetail problem) {
        super(problem.getDetail(), null, false, false);
        this.problem = problem;
    }

    public static ApiProblem of(HttpStatus status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(code));
        problem.setTitle(title);
        return new ApiProblem(problem);
    }

    public static ApiProblem invalidField(String field, String message) {
        return invalidFields(List.of(new FieldProblem(field, message)));
    }

    /** Names the first {@link #MAX_NAMED_FIELDS} and counts the rest. */
    public static ApiProblem invalidFields(List<FieldProblem> errors) {
        List<FieldProblem> named = errors.stream().limit(MAX_NAMED_FIELDS).toList();
        String more = errors.size() > named.size() ? "; and " + (errors.size() - named.size()) + " more" : "";
        ApiProblem invalid = of(HttpStatus.BAD_REQUEST, "validation", "Invalid request",
                named.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")) + more);
        invalid.problem.setProperty("errors", named);
        return invalid;
    }

    public static ApiProblem notFound(String what) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " not found");
    }

    /** A credential without the scope a request needs; the problem names it as {@code requiredScope}. */
    public static ApiProblem missingScope(Scope scope) {
        ApiProblem missing = forbidden("missing-scope", "this request needs the scope " + scope.value());
        missing.problem.setProperty("requiredScope", scope.value());
        return missing;
    }

    public static ApiProblem rateLimited(long limitPerMinute, long retryAfterSeconds) {
        return of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", "the key's limit of "
                + limitPerMinute + " requests per minute is used up; retry in " + retryAfterSeconds + " s");
    }

    public static ApiProblem unauthorized(String detail) {
        return of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    public static ApiProblem forbidden(String code, String detail) {
        return of(HttpStatus.FORBIDDEN, code, "Forbidden", detail);
    }

    public static URI type(String code) {
        return URI.create("urn:keyhook:problem:" + code);
    }

    public ProblemDetail problem() {
        return problem;
    }
}
