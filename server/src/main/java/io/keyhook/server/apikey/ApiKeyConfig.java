package io.keyhook.server.apikey;

import io.keyhook.command.apikey.ApiKeyHasher;
import io.keyhook.command.apikey.ApiKeyHashing;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.SecretFiles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.security.SecureRandom;

/**
 * The pepper of key digests comes from {@code keyhook.api-keys.pepper}, or is generated once into the
 * data dir. Every instance that shares an event store must use the same pepper.
 */
@Configuration
public class ApiKeyConfig {

    private static final int PEPPER_BYTES = 32;

    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    ApiKeyHasher apiKeyHasher(KeyhookProperties properties, SecureRandom random) {
        ApiKeyHashing hashing = ApiKeyHashing.of(properties.apiKeys().hashing());
        return new ApiKeyHasher(pepper(properties, random), hashing, random);
    }

    private static byte[] pepper(KeyhookProperties properties, SecureRandom random) {
        return SecretFiles.configuredOrGenerated(properties.apiKeys().pepper(), "keyhook.api-keys.pepper",
                properties.pepperFile(), PEPPER_BYTES, false, random, "API key pepper");
    }
}
