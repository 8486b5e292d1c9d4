package io.keyhook.command.item;

import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.item.AdjustStock;
import io.keyhook.api.item.CreateItem;
import io.keyhook.api.item.DeleteItem;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.ReplaceItem;
import io.keyhook.api.item.StockAdjusted;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemTest {

    private static final String ORG = "org-1";
    private static final String ITEM = "item-1";
    private static final ItemCreated CREATED = new ItemCreated(ITEM, ORG, "Bolt", "B-1", 10, 3, "M6");

    private AggregateTestFixture<Item> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Item.class);
    }

    @Test
    void createsAnItem() {
        fixture.givenNoPriorActivity()
                .when(new CreateItem(ITEM, ORG, "Bolt", "B-1", 10, 3, "M6"))
                .expectEvents(CREATED);
    }

    @Test
    void refusesANegativeQuantityOnCreate() {
        fixture.givenNoPriorActivity()
                .when(new CreateItem(ITEM, ORG, "Bolt", "B-1", -1, 3, null))
                .expectExceptionDetails(ErrorCode.INVALID);
    }

    @Test
    void adjustingAboveTheThresholdRaisesNoAlert() {
        fixture.given(CREATED)
                .when(new AdjustStock(ITEM, ORG, -6, null))
                .expectEvents(new StockAdjusted(ITEM, ORG, -6, 4))
                .expectResultMessagePayload(1L);
    }

    @Test
    void fallingToTheThresholdRaisesLowStockOnce() {
        fixture.given(CREATED)
                .when(new AdjustStock(ITEM, ORG, -7, null))
                .expectEvents(new StockAdjusted(ITEM, ORG, -7, 3), new ItemLowStock(ITEM, ORG, "Bolt", "B-1", 3, 3))
                .expectResultMessagePayload(2L);
    }

    @Test
    void adjustingWhileAlreadyLowRaisesNoSecondAlert() {
        fixture.given(CREATED, new StockAdjusted(ITEM, ORG, -8, 2), new ItemLowStock(ITEM, ORG, "Bolt", "B-1", 2, 3))
                .when(new AdjustStock(ITEM, ORG, -1, null))
                .expectEvents(new StockAdjusted(ITEM, ORG, -1, 1));
    }

    @Test
    void aNewCrossingAfterRestockingRaisesAnotherAlert() {
        fixture.given(CREATED, new StockAdjusted(ITEM, ORG, -8, 2), new ItemLowStock(ITEM, ORG, "Bolt", "B-1", 2, 3),
                        new StockAdjusted(ITEM, ORG, 8, 10))
                .when(new AdjustStock(ITEM, ORG, -9, null))
                .expectEvents(new StockAdjusted(ITEM, ORG, -9, 1), new ItemLowStock(ITEM, ORG, "Bolt", "B-1", 1, 3));
    }

    @Test
    void replacingDownToTheThresholdRaisesLowStock() {
        fixture.given(CREATED)
                .when(new ReplaceItem(ITEM, ORG, "Bolt M6", "B-1", 2, 3, null, null))
                .expectEvents(new ItemUpdated(ITEM, ORG, "Bolt M6", "B-1", 2, 3, null),
                        new ItemLowStock(ITEM, ORG, "Bolt M6", "B-1", 2, 3));
    }

    @Test
    void stockCannotGoNegative() {
        fixture.given(CREATED)
                .when(new AdjustStock(ITEM, ORG, -11, null))
                .expectExceptionDetails(ErrorCode.INSUFFICIENT_STOCK)
                .expectNoEvents();
    }

    @Test
    void aZeroDeltaIsRefused() {
        fixture.given(CREATED)
                .when(new AdjustStock(ITEM, ORG, 0, null))
                .expectExceptionDetails(ErrorCode.INVALID);
    }

    @Test
    void anotherOrganizationCannotSeeTheItem() {
        fixture.given(CREATED)
                .when(new AdjustStock(ITEM, "org-2", 1, null))
                .expectExceptionDetails(ErrorCode.NOT_FOUND)
                .expectNoEvents();
    }

    @Test
    void deletesAnItem() {
        fixture.given(CREATED)
                .when(new DeleteItem(ITEM, ORG, null))
                .expectEvents(new ItemDeleted(ITEM, ORG));
    }

    @Test
    void aDeletedItemRefusesChanges() {
        fixture.given(CREATED, new ItemDeleted(ITEM, ORG))
                .when(new ReplaceItem(ITEM, ORG, "Bolt", "B-1", 5, 3, null, null))
                .expectExceptionDetails(ErrorCode.NOT_FOUND)
                .expectNoEvents();
    }

    @Test
    void aDeletedItemCannotBeDeletedAgain() {
        fixture.given(CREATED, new ItemDeleted(ITEM, ORG))
                .when(new DeleteItem(ITEM, ORG, null))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }

    @Test
    void aStaleExpectedVersionIsAConflict() {
        fixture.given(CREATED, new StockAdjusted(ITEM, ORG, 1, 11))
                .when(new AdjustStock(ITEM, ORG, 1, 0L))
                .expectException(ConflictingAggregateVersionException.class);
    }
}
