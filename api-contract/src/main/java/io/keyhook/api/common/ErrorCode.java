package io.keyhook.api.common;

/**
 * Why a command or query was refused. Aggregates attach one as the details of the exception they
 * throw, so the reason survives a distributed command bus and the REST layer can map it to a status.
 */
public enum ErrorCode {
    NOT_FOUND(404, "Not found"),
    FORBIDDEN(403, "Forbidden"),
    EMAIL_TAKEN(409, "Email already registered"),
    INSUFFICIENT_STOCK(409, "Insufficient stock"),
    CONFLICT(409, "Conflicting change"),
    SUBSCRIPTION_DISABLED(409, "Subscription disabled"),
    INVALID(400, "Invalid request");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
