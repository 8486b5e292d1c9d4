package io.keyhook.api.delivery;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

public enum DeliveryStatus {
    PENDING, RETRYING, SUCCEEDED, FAILED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DeliveryStatus of(String value) {
        return Arrays.stream(values())
                .filter(status -> status.value().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "status must be one of: pending, retrying, succeeded, failed"));
    }
}
