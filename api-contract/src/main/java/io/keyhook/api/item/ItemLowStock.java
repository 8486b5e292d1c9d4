package io.keyhook.api.item;

/** The quantity fell from above the threshold to or below it: once per crossing. */
public record ItemLowStock(String itemId, String organizationId, String name, String sku, int quantity,
                           int lowStockThreshold) {
}
