package io.keyhook.server.apikey;

import io.keyhook.api.apikey.Environment;
import io.keyhook.api.apikey.Scope;
import io.keyhook.command.apikey.ApiKey;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The body of {@code POST /api-keys}; {@code environment} defaults to {@code live}. */
public record IssueApiKeyRequest(@NotBlank @Size(max = ApiKey.MAX_NAME_LENGTH) String name,
                                 @NotEmpty Set<@NotNull Scope> scopes,
                                 Environment environment,
                                 Instant expiresAt,
                                 @Min(1) @Max(ApiKey.MAX_RATE_LIMIT_PER_MINUTE) Integer rateLimitPerMinute,
                                 @Size(max = ApiKey.MAX_ALLOWED_IPS) List<@NotBlank String> allowedIps) {

    Environment environmentOrLive() {
        return environment == null ? Environment.LIVE : environment;
    }
}
