package io.keyhook.command.item;

import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.item.AdjustStock;
import io.keyhook.api.item.CreateItem;
import io.keyhook.api.item.DeleteItem;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLimits;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.item.ReplaceItem;
import io.keyhook.api.item.StockAdjusted;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An item with a stock level. {@code item.low_stock} is raised when the item goes from above its
 * threshold to at or below it, once per crossing. Handlers of changes return the new version so the
 * caller can wait until its own write is readable.
 */
@Aggregate
public class Item {

    @AggregateIdentifier
    private String itemId;
    private String organizationId;
    private String name;
    private String sku;
    private int quantity;
    private int lowStockThreshold;
    private boolean deleted;

    protected Item() {
    }

    @CommandHandler
    public Item(CreateItem command) {
        requireValid(command.name(), command.quantity(), command.lowStockThreshold());
        apply(new ItemCreated(command.itemId(), command.organizationId(), command.name(), command.sku(),
                command.quantity(), command.lowStockThreshold(), command.description()));
    }

    @CommandHandler
    public long handle(ReplaceItem command) {
        requireVisibleTo(command.organizationId());
        requireValid(command.name(), command.quantity(), command.lowStockThreshold());
        boolean wasLow = isLow();
        apply(new ItemUpdated(itemId, organizationId, command.name(), command.sku(), command.quantity(),
                command.lowStockThreshold(), command.description()));
        raiseLowStockOnCrossing(wasLow);
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(AdjustStock command) {
        requireVisibleTo(command.organizationId());
        if (command.delta() == 0) {
            throw rejected(ErrorCode.INVALID, "delta must not be zero");
        }
        long result = (long) quantity + command.delta();
        if (result < 0) {
            throw rejected(ErrorCode.INSUFFICIENT_STOCK,
                    "only " + quantity + " in stock, cannot remove " + (-command.delta()));
        }
        if (result > ItemLimits.MAX_QUANTITY) {
            throw rejected(ErrorCode.INVALID, "quantity would exceed " + ItemLimits.MAX_QUANTITY);
        }
        boolean wasLow = isLow();
        apply(new StockAdjusted(itemId, organizationId, command.delta(), (int) result));
        raiseLowStockOnCrossing(wasLow);
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(DeleteItem command) {
        requireVisibleTo(command.organizationId());
        apply(new ItemDeleted(itemId, organizationId));
        return AggregateLifecycle.getVersion();
    }

    private void raiseLowStockOnCrossing(boolean wasLow) {
        if (!wasLow && isLow()) {
            apply(new ItemLowStock(itemId, organizationId, name, sku, quantity, lowStockThreshold));
        }
    }

    private boolean isLow() {
        return ItemView.isLowStock(quantity, lowStockThreshold);
    }

    private void requireVisibleTo(String callerOrganization) {
        if (deleted || !organizationId.equals(callerOrganization)) {
            throw rejected(ErrorCode.NOT_FOUND, "item not found");
        }
    }

    private static void requireValid(String name, int quantity, int lowStockThreshold) {
        if (name == null || name.isBlank()) {
            throw rejected(ErrorCode.INVALID, "name must not be blank");
        }
        if (quantity < 0 || quantity > ItemLimits.MAX_QUANTITY) {
            throw rejected(ErrorCode.INVALID, "quantity must be between 0 and " + ItemLimits.MAX_QUANTITY);
        }
        if (lowStockThreshold < 0 || lowStockThreshold > ItemLimits.MAX_QUANTITY) {
            throw rejected(ErrorCode.INVALID, "lowStockThreshold must be between 0 and " + ItemLimits.MAX_QUANTITY);
        }
    }

    @EventSourcingHandler
    void on(ItemCreated event) {
        itemId = event.itemId();
        organizationId = event.organizationId();
        name = event.name();
        sku = event.sku();
        quantity = event.quantity();
        lowStockThreshold = event.lowStockThreshold();
    }

    @EventSourcingHandler
    void on(ItemUpdated event) {
        name = event.name();
        sku = event.sku();
        quantity = event.quantity();
        lowStockThreshold = event.lowStockThreshold();
    }

    @EventSourcingHandler
    void on(StockAdjusted event) {
        quantity = event.quantity();
    }

    @EventSourcingHandler
    void on(ItemDeleted event) {
        deleted = true;
    }
}
