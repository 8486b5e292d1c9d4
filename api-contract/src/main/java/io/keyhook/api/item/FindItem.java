package io.keyhook.api.item;

public record FindItem(String organizationId, String itemId) {
}
