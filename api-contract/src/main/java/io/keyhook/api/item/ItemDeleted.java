package io.keyhook.api.item;

public record ItemDeleted(String itemId, String organizationId) {
}
