package io.keyhook.webhook;

import io.keyhook.webhook.delivery.HttpWebhookSender;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyhookVersionTest {

    @Test
    void theUserAgentCarriesTheVersionOfTheBuild() {
        assertThat(KeyhookVersion.VERSION).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        assertThat(HttpWebhookSender.USER_AGENT).isEqualTo("Keyhook-Webhooks/" + KeyhookVersion.VERSION);
    }
}
