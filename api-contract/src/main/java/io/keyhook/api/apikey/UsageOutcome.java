package io.keyhook.api.apikey;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

public enum UsageOutcome {
    ALLOWED, DENIED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static UsageOutcome of(String value) {
        return Arrays.stream(values())
                .filter(outcome -> outcome.value().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("outcome must be one of: allowed, denied"));
    }
}
