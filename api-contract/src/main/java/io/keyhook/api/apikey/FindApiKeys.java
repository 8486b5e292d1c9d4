package io.keyhook.api.apikey;

public record FindApiKeys(String organizationId, int page, int size) {
}
