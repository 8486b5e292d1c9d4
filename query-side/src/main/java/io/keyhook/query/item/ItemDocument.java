package io.keyhook.query.item;

import io.keyhook.api.item.ItemView;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/** A deleted item stays as a tombstone so its version keeps answering read-your-writes waits. */
@Document("items")
public record ItemDocument(@Id String id, String organizationId, String name, String sku, int quantity,
                           int lowStockThreshold, String description, boolean deleted, long version,
                           Instant createdAt, Instant updatedAt) implements Versioned {

    ItemDocument withDetails(String name, String sku, int quantity, int lowStockThreshold, String description) {
        return new ItemDocument(id, organizationId, name, sku, quantity, lowStockThreshold, description, deleted,
                version, createdAt, updatedAt);
    }

    ItemDocument withQuantity(int quantity) {
        return withDetails(name, sku, quantity, lowStockThreshold, description);
    }

    ItemDocument asDeleted() {
        return new ItemDocument(id, organizationId, name, sku, quantity, lowStockThreshold, description, true,
                version, createdAt, updatedAt);
    }

    ItemDocument at(long version, Instant updatedAt) {
        return new ItemDocument(id, organizationId, name, sku, quantity, lowStockThreshold, description, deleted,
                version, createdAt, updatedAt);
    }

    ItemView toView() {
        return new ItemView(id, organizationId, name, sku, quantity, lowStockThreshold, description,
                ItemView.isLowStock(quantity, lowStockThreshold), version, createdAt, updatedAt);
    }
}
