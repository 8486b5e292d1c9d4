package io.keyhook.query.item;

/**
 * Subscription: answers nothing at first, then the organization id of every change to an item, so
 * that each server instance drops the listing it holds in memory for that organization.
 */
public record WatchItemListings() {
}
