package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.Scope;
import io.keyhook.api.apikey.UsageReason;

/**
 * The verdict on one request made with a key: the reason (ok or why not), the key when it was
 * recognised, and the rate-limit state when the limit was checked.
 */
record Attempt(UsageReason reason, String detail, String presentedPrefix, ApiKeyCredentials key,
               RateLimits.Verdict rate, Scope missingScope) {

    static Attempt denied(UsageReason reason, String detail, String presentedPrefix, ApiKeyCredentials key) {
        return new Attempt(reason, detail, presentedPrefix, key, null, null);
    }

    boolean allowed() {
        return reason == UsageReason.OK;
    }

    /** Failures that look like guessing or stolen keys count against the client address. */
    boolean isAuthenticationFailure() {
        return switch (reason) {
            case MALFORMED, UNKNOWN_KEY, REVOKED, EXPIRED, IP_NOT_ALLOWED -> true;
            default -> false;
        };
    }
}
