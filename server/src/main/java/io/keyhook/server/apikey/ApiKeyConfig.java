package io.keyhook.server.apikey;

import io.keyhook.command.apikey.ApiKeyHasher;
import io.keyhook.command.apikey.ApiKeyHashing;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The pepper of key digests comes from {@code keyhook.api-keys.pepper}, or is generated once into the
 * data dir. Every instance that shares an event store must use the same pepper.
 */
@Configuration
public class ApiKeyConfig {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyConfig.class);
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
        String configured = properties.apiKeys().pepper();
        if (configured != null && !configured.isBlank()) {
            return decode(configured.strip(), "keyhook.api-keys.pepper");
        }
        Path file = properties.pepperFile();
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
            }
            byte[] pepper = new byte[PEPPER_BYTES];
            random.nextBytes(pepper);
            SecretFiles.writePrivately(file, Base64.getEncoder().encodeToString(pepper));
            log.info("Generated a new API key pepper in {}", file.toAbsolutePath());
            return pepper;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the API key pepper " + file.toAbsolutePath(), e);
        }
    }

    private static byte[] decode(String base64, String source) {
        try {
            byte[] pepper = Base64.getDecoder().decode(base64);
            if (pepper.length < PEPPER_BYTES) {
                throw new IllegalStateException("the API key pepper in " + source + " must be at least "
                        + PEPPER_BYTES + " bytes");
            }
            return pepper;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the API key pepper in " + source + " is not base64");
        }
    }
}
