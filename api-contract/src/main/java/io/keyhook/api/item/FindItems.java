package io.keyhook.api.item;

public record FindItems(String organizationId, int page, int size) {
}
