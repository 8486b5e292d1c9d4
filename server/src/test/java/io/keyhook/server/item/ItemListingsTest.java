package io.keyhook.server.item;

import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemPage;
import io.keyhook.query.item.ItemDocument;
import io.keyhook.query.item.ItemListings;
import io.keyhook.query.item.ItemRepository;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ItemListingsTest extends KeyhookAppTest {

    @Autowired
    private ItemListings listings;

    @Autowired
    private ItemRepository items;

    /** Too long to hold in memory: listed from the read model page by page, in the same order. */
    @Test
    void anOrganizationWithMoreItemsThanAreHeldIsListedFromTheReadModel() {
        String organizationId = UUID.randomUUID().toString();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<ItemDocument> documents = IntStream.range(0, 1_002)
                .mapToObj(i -> new ItemDocument(UUID.randomUUID().toString(), organizationId, "Item " + i, "SKU-" + i,
                        i, 0, null, i == 3, 0, start.plusSeconds(i), start.plusSeconds(i)))
                .toList();
        items.saveAll(documents).then().block(Duration.ofSeconds(60));

        ItemPage first = listings.find(new FindItems(organizationId, 0, 20)).block(Duration.ofSeconds(30));
        assertThat(first.total()).isEqualTo(1_001);
        assertThat(first.items()).hasSize(20);
        assertThat(first.items().get(0).name()).isEqualTo("Item 0");
        assertThat(first.items().get(3).name()).isEqualTo("Item 4");
        ItemPage last = listings.find(new FindItems(organizationId, 50, 20)).block(Duration.ofSeconds(30));
        assertThat(last.items()).extracting(item -> item.name()).containsExactly("Item 1001");
        ItemPage beyond = listings.find(new FindItems(organizationId, 51, 20)).block(Duration.ofSeconds(30));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(1_001);
    }

    @Test
    void anOrganizationWithoutItemsHasAnEmptyListing() {
        ItemPage none = listings.find(new FindItems(UUID.randomUUID().toString(), 0, 20)).block(Duration.ofSeconds(30));
        assertThat(none.items()).isEmpty();
        assertThat(none.total()).isZero();
    }
}
