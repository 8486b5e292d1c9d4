package io.keyhook.server.web;

import org.springframework.http.HttpStatus;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a write answers with {@code 409}, per operation, for the API document: the refusal that
 * operation is known for, else the conflict any command can meet (another change to the same
 * resource came first, and retrying it did not get past it). Reads, and writes that change no
 * resource, have none.
 */
final class ApiConflicts {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "DELETE", "PATCH");
    private static final Set<String> NONE = Set.of("POST /api/v1/auth/login");

    /** Made anew for each use: a problem's details are changed where it is used. */
    private record Conflict(String code, String title, String detail) {

        ApiProblem problem() {
            return ApiProblem.of(HttpStatus.CONFLICT, code, title, detail);
        }
    }

    private static final Map<String, Conflict> KNOWN = Map.of(
            "POST /api/v1/auth/signup", new Conflict("email-taken", "Email already registered",
                    "an account with this email exists already"),
            "POST /api/v1/users", new Conflict("email-taken", "Email already registered",
                    "an account with this email exists already"),
            "POST /api/v1/items/{id}/stock", new Conflict("insufficient-stock",
                    "Insufficient stock", "the stock of this item cannot go below zero"),
            "POST /api/v1/webhooks/{id}/test", new Conflict("subscription-disabled",
                    "Subscription disabled", "the subscription is disabled; enable it first"),
            "POST /api/v1/deliveries/{id}/redeliver", new Conflict("subscription-disabled",
                    "Subscription disabled", "the delivery's subscription is disabled; enable it first"),
            "POST /api/v1/admin/replays", new Conflict("replay-running", "Replay running",
                    "a replay of items is already running"),
            "POST /api/v1/api-keys/{id}/usage/rebuild", new Conflict("rebuild-running",
                    "Rebuild running", "this key's usage audit is being rebuilt already"));

    private static final Conflict ANY_COMMAND = new Conflict("conflict", "Conflicting change",
            "another change to this resource came first; read it again and retry");

    private ApiConflicts() {
    }

    /** The 409 this operation may answer, if it may answer one. */
    static Optional<ApiProblem> of(String method, String path) {
        String operation = method + " " + path;
        if (!WRITES.contains(method) || !path.startsWith("/api/") || NONE.contains(operation)) {
            return Optional.empty();
        }
        return Optional.of(KNOWN.getOrDefault(operation, ANY_COMMAND).problem());
    }
}
