package io.keyhook.server.webhook;

import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.SecretFiles;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.command.delivery.RetryPolicy;
import io.keyhook.webhook.signing.SecretCipher;
import io.keyhook.webhook.target.TargetGuard;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Webhook delivery settings from {@code keyhook.webhooks.*}, and the key that encrypts signing
 * secrets at rest: from configuration, or generated once into the data dir. Every instance must use
 * the same key. Scheduling runs the stuck-delivery watchdog.
 */
@Configuration
@EnableScheduling
public class WebhookConfig {

    /** Beside {@link KeyhookProperties.Webhooks} under the same prefix: each takes its own keys. */
    @Bean
    WebhookSettings webhookSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate("keyhook.webhooks", WebhookSettings.class);
    }

    /** A resource of the Delivery aggregate, which decides after each failed attempt. */
    @Bean
    RetryPolicy retryPolicy(KeyhookProperties properties) {
        return new RetryPolicy(properties.webhooks().retry(), () -> ThreadLocalRandom.current().nextDouble());
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
        return SecretFiles.configuredOrGenerated(properties.webhooks().encryptionKey(), "keyhook.webhooks.encryption-key",
                properties.webhookKeyFile(), 32, true, random, "webhook secret encryption key");
    }
}
