package io.keyhook.server.infra;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every {@code keyhook.*} setting; each can also be given as a flag ({@code --keyhook.data-dir=...})
 * or an environment variable ({@code KEYHOOK_DATA_DIR}).
 */
@ConfigurationProperties("keyhook")
public record KeyhookProperties(@DefaultValue("./data") Path dataDir,
                                @DefaultValue Auth auth,
                                @DefaultValue Api api) {

    /**
     * @param tokenTtl      how long a login token stays valid
     * @param signupEnabled whether anyone may create an organization
     * @param jwtKeyFile    the JWT signing key (JWK JSON); default {@code <data-dir>/jwt-signing-key.json}
     */
    public record Auth(@DefaultValue("8h") Duration tokenTtl,
                       @DefaultValue("true") boolean signupEnabled,
                       Path jwtKeyFile) {
    }

    /**
     * @param commandTimeout    how long a write may take before the request answers 503
     * @param visibilityTimeout how long a write waits for its change to be readable before answering
     */
    public record Api(@DefaultValue("10s") Duration commandTimeout,
                      @DefaultValue("5s") Duration visibilityTimeout) {
    }

    public Path jwtKeyFile() {
        return auth.jwtKeyFile() != null ? auth.jwtKeyFile() : dataDir.resolve("jwt-signing-key.json");
    }
}
