package io.keyhook.server.webhook;

import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.SecretFiles;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.webhook.delivery.RetryPolicy;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.target.TargetGuard;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Webhook delivery settings from {@code keyhook.webhooks.*}, and the key that encrypts signing
 * secrets at rest: from configuration, or generated once into the data dir. Every instance must use
 * the same key.
 */
@Configuration
public class WebhookConfig {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfig.class);

    @Bean
    WebhookSettings webhookSettings(KeyhookProperties properties) {
        KeyhookProperties.Webhooks webhooks = properties.webhooks();
        KeyhookProperties.Retry retry = webhooks.retry();
        return new WebhookSettings(new WebhookSettings.Retry(retry.maxRetries(), retry.initialDelay(), retry.multiplier(),
                retry.maxDelay(), retry.jitter()), webhooks.allowPrivateTargets(), webhooks.connectTimeout(),
                webhooks.timeout(), webhooks.disableAfterFailures());
    }

    @Bean
    RetryPolicy retryPolicy(WebhookSettings settings) {
        return new RetryPolicy(settings.retry(), () -> ThreadLocalRandom.current().nextDouble());
    }

    @Bean
    TargetGuard targetGuard(WebhookSettings settings) {
        return new TargetGuard(settings.allowPrivateTargets());
    }

    @Bean
    SecretCipher secretCipher(KeyhookProperties properties, SecureRandom random) {
        return new SecretCipher(encryptionKey(properties, random), random);
    }

    private static byte[] encryptionKey(KeyhookProperties properties, SecureRandom random) {
        String configured = properties.webhooks().encryptionKey();
        if (configured != null && !configured.isBlank()) {
            return decode(configured.strip(), "keyhook.webhooks.encryption-key");
        }
        Path file = properties.webhookKeyFile();
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
            }
            byte[] key = new byte[32];
            random.nextBytes(key);
            SecretFiles.writePrivately(file, Base64.getEncoder().encodeToString(key));
            log.info("Generated a new webhook secret encryption key in {}", file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the webhook secret key " + file.toAbsolutePath(), e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the webhook secret encryption key in " + source + " is not base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException("the webhook secret encryption key in " + source + " must be 32 bytes");
        }
        return key;
    }
}
