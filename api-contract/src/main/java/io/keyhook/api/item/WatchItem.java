package io.keyhook.api.item;

/**
 * Subscription: the organization's item as the projection shows it now (nothing if it shows none),
 * then the item as each batch the projection writes leaves it; it completes when the item is deleted.
 * A write answers with the first one that carries its version: the read after the write costs no
 * query of its own.
 */
public record WatchItem(String organizationId, String itemId) {
}
