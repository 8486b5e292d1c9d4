package io.keyhook.api.apikey;

public record FindDailyUsage(String organizationId, String keyId) {
}
