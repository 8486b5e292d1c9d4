package io.keyhook.api.apikey;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/** Which environment a key belongs to; visible in the key itself ({@code kh_live_}, {@code kh_test_}). */
public enum Environment {
    LIVE, TEST;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Environment of(String value) {
        return Arrays.stream(values())
                .filter(environment -> environment.value().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("environment must be one of: live, test"));
    }
}
