package io.keyhook.server.item;

import io.keyhook.api.item.ItemLimits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of create and replace. {@code lowStockThreshold} defaults to 0 (alert only when sold out).
 * The sku's pattern is anchored for the OpenAPI document, where a pattern may match anywhere in the value.
 */
public record ItemRequest(@NotBlank @Size(max = 200) String name,
                          @Size(max = 64) @Pattern(regexp = "^[A-Za-z0-9._\\-/]*$", message = "may contain letters, digits and . _ - / only") String sku,
                          @NotNull @Min(0) @Max(ItemLimits.MAX_QUANTITY) Integer quantity,
                          @Min(0) @Max(ItemLimits.MAX_QUANTITY) Integer lowStockThreshold,
                          @Size(max = 2000) String description) {

    int threshold() {
        return lowStockThreshold == null ? 0 : lowStockThreshold;
    }
}
