package io.keyhook.server.apikey;

/** The event store did not take an attempt's audit event: the attempt must not be served. */
class AuditUnavailableException extends RuntimeException {

    AuditUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
