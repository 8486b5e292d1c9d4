package io.keyhook.server.bench;

import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemPage;
import io.keyhook.query.item.ItemListings;
import io.keyhook.server.web.Paging;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The same query as {@code GET /api/v1/items}, with no credential, no audit and no rate limit. */
@RestController
@Profile("bench")
public class BenchItemsController {

    private final ItemListings listings;

    public BenchItemsController(ItemListings listings) {
        this.listings = listings;
    }

    @GetMapping("/bench/items")
    public Mono<ItemPage> list(@RequestParam String organizationId,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "20") int size) {
        Paging paging = Paging.of(page, size);
        return listings.find(new FindItems(organizationId, paging.page(), paging.size()));
    }
}
