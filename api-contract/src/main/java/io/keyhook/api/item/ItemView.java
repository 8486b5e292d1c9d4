package io.keyhook.api.item;

import java.time.Instant;

public record ItemView(String id, String organizationId, String name, String sku, int quantity,
                       int lowStockThreshold, String description, boolean lowStock, long version,
                       Instant createdAt, Instant updatedAt) {

    /** The low-stock rule: at or below the threshold. */
    public static boolean isLowStock(int quantity, int lowStockThreshold) {
        return quantity <= lowStockThreshold;
    }
}
