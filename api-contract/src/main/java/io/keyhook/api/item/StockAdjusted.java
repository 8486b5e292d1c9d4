package io.keyhook.api.item;

/** Carries the resulting quantity too, so projections set it rather than add to it (idempotent). */
public record StockAdjusted(String itemId, String organizationId, int delta, int quantity) {
}
