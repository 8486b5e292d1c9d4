package io.keyhook.api.account;

public record FindUser(String organizationId, String userId) {
}
