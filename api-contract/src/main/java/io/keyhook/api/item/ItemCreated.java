package io.keyhook.api.item;

public record ItemCreated(String itemId, String organizationId, String name, String sku, int quantity,
                          int lowStockThreshold, String description) {
}
