package io.keyhook.api.apikey;

public record ApiKeyRevoked(String keyId, String organizationId) {
}
