package io.keyhook.api.apikey;

public record FindApiKey(String organizationId, String keyId) {
}
