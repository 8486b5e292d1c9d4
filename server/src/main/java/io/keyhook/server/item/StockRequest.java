package io.keyhook.server.item;

import io.keyhook.api.item.ItemLimits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

public record StockRequest(@NotNull @Min(-ItemLimits.MAX_QUANTITY) @Max(ItemLimits.MAX_QUANTITY) Integer delta) {
}
