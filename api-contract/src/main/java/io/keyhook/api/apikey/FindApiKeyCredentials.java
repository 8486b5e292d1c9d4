package io.keyhook.api.apikey;

/** Finds the key whose current or previous secret has this lookup value (HMAC digest or prefix). */
public record FindApiKeyCredentials(String lookup) {
}
