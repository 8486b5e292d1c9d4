package io.keyhook.api.item;

/** Bounds that keep every quantity and adjustment far from integer overflow. */
public final class ItemLimits {

    public static final int MAX_QUANTITY = 1_000_000_000;

    private ItemLimits() {
    }
}
