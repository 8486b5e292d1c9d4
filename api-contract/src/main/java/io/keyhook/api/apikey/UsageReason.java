package io.keyhook.api.apikey;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/** Why an attempt with a key was allowed or denied, in the order the checks run. */
public enum UsageReason {
    OK, MALFORMED, UNKNOWN_KEY, REVOKED, EXPIRED, IP_NOT_ALLOWED, RATE_LIMITED, MISSING_SCOPE;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static UsageReason of(String value) {
        return Arrays.stream(values())
                .filter(reason -> reason.value().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown reason: " + value));
    }

    public UsageOutcome outcome() {
        return this == OK ? UsageOutcome.ALLOWED : UsageOutcome.DENIED;
    }
}
