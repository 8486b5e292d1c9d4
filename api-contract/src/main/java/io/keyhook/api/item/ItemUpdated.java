package io.keyhook.api.item;

/** The whole item after a replace. */
public record ItemUpdated(String itemId, String organizationId, String name, String sku, int quantity,
                          int lowStockThreshold, String description) {
}
