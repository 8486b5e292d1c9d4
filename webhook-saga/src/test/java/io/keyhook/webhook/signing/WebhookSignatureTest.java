package io.keyhook.webhook.signing;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void matchesTheStandardWebhooksTestVector() {
        assertThat(WebhookSignature.header(List.of(SECRET), ID, TIMESTAMP, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationBothSecretsSign() {
        String next = WebhookSignature.newSecret(new SecureRandom());

        String header = WebhookSignature.header(List.of(next, SECRET), ID, TIMESTAMP, BODY);

        assertThat(header.split(" ")).hasSize(2)
                .containsExactly(WebhookSignature.header(List.of(next), ID, TIMESTAMP, BODY),
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theBodySignatureIsTheHexHmacOfTheBodyAlone() {
        assertThat(WebhookSignature.bodySignature(SECRET, BODY)).matches("sha256=[0-9a-f]{64}")
                .isNotEqualTo(WebhookSignature.bodySignature(SECRET, BODY + " "));
    }

    @Test
    void newSecretsHaveTheWhsecFormAndCallerSecretsAreChecked() {
        String secret = WebhookSignature.newSecret(new SecureRandom());

        assertThat(secret).matches("whsec_[A-Za-z0-9+/]{32}");
        assertThat(WebhookSignature.isValidSecret(secret)).isTrue();
        assertThat(WebhookSignature.isValidSecret(SECRET)).isTrue();
        assertThat(WebhookSignature.isValidSecret("whsec_c2hvcnQ=")).isFalse();
        assertThat(WebhookSignature.isValidSecret("whsec_not base64!")).isFalse();
        assertThat(WebhookSignature.isValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isFalse();
    }
}
