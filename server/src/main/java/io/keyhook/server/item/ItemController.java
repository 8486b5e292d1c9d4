package io.keyhook.server.item;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.item.AdjustStock;
import io.keyhook.api.item.CreateItem;
import io.keyhook.api.item.DeleteItem;
import io.keyhook.api.item.FindItem;
import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemPage;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.item.ReplaceItem;
import io.keyhook.api.item.WatchItem;
import io.keyhook.query.item.ItemListings;
import io.keyhook.query.item.ItemProjection;
import io.keyhook.server.security.Caller;
import io.keyhook.server.web.ApiProblem;
import io.keyhook.server.web.Commands;
import io.keyhook.server.web.ETags;
import io.keyhook.server.web.Paging;
import io.keyhook.server.web.ReadYourWrites;
import jakarta.validation.Valid;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.UUID;

/**
 * Items of the caller's organization. Writes answer once the change is readable, with the item's
 * version as ETag; sending it back as {@code If-Match} makes a lost update a 409.
 */
@RestController
@RequestMapping("/api/v1/items")
public class ItemController {

    private final Commands commands;
    private final ReactorQueryGateway queries;
    private final ItemListings listings;
    private final ReadYourWrites readYourWrites;

    public ItemController(Commands commands, ReactorQueryGateway queries, ItemListings listings,
                          ReadYourWrites readYourWrites) {
        this.commands = commands;
        this.queries = queries;
        this.listings = listings;
        this.readYourWrites = readYourWrites;
    }

    /** The listing is answered from memory in this process: no query-bus round trip on the hottest read. */
    @Operation(summary = "List items")
    @GetMapping
    public Mono<ItemPage> list(@AuthenticationPrincipal Caller caller,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "20") int size) {
        Paging paging = Paging.of(page, size);
        return listings.find(new FindItems(caller.organizationId(), paging.page(), paging.size()));
    }

    @Operation(summary = "Create an item", responses = @ApiResponse(responseCode = "201",
            description = "The item, as created (its version as ETag)", useReturnTypeSchema = true))
    @PostMapping
    public Mono<ResponseEntity<ItemView>> create(@AuthenticationPrincipal Caller caller,
                                                 @Valid @RequestBody ItemRequest request) {
        String itemId = UUID.randomUUID().toString();
        CreateItem create = new CreateItem(itemId, caller.organizationId(), request.name(), request.sku(),
                request.quantity(), request.threshold(), request.description());
        return viewAfter(caller, itemId, commands.send(create).thenReturn(0L))
                .switchIfEmpty(Mono.defer(() -> lookup(caller, itemId)))
                .defaultIfEmpty(asCreated(create))
                .map(item -> ResponseEntity.created(URI.create("/api/v1/items/" + itemId))
                        .eTag(ETags.of(item.version())).body(item));
    }

    @Operation(summary = "Get an item")
    @GetMapping("/{id}")
    public Mono<ResponseEntity<ItemView>> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return find(caller, id).map(item -> ResponseEntity.ok().eTag(ETags.of(item.version())).body(item));
    }

    @Operation(summary = "Replace an item")
    @PutMapping("/{id}")
    public Mono<ResponseEntity<ItemView>> replace(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                  @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                  @Valid @RequestBody ItemRequest request) {
        Long expected = ETags.expectedVersion(ifMatch);
        return answerAfter(caller, id, commands.send(new ReplaceItem(id, caller.organizationId(), request.name(),
                request.sku(), request.quantity(), request.threshold(), request.description(), expected)));
    }

    @Operation(summary = "Adjust an item's stock")
    @PostMapping("/{id}/stock")
    public Mono<ResponseEntity<ItemView>> adjustStock(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                                      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                      @Valid @RequestBody StockRequest request) {
        Long expected = ETags.expectedVersion(ifMatch);
        return answerAfter(caller, id, commands.send(new AdjustStock(id, caller.organizationId(), request.delta(),
                expected)));
    }

    @Operation(summary = "Delete an item", responses = @ApiResponse(responseCode = "204", description = "Deleted"))
    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id,
                                             @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        Long expected = ETags.expectedVersion(ifMatch);
        return commands.<Long>send(new DeleteItem(id, caller.organizationId(), expected))
                .flatMap(version -> readYourWrites.await(FindProjectedVersion.ITEMS, id, version))
                .then(Mono.just(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build()));
    }

    private Mono<ResponseEntity<ItemView>> answerAfter(Caller caller, String itemId, Mono<Long> write) {
        return viewAfter(caller, itemId, write)
                .switchIfEmpty(Mono.defer(() -> find(caller, itemId)))
                .map(item -> ResponseEntity.ok().eTag(ETags.of(item.version())).body(item));
    }

    /** The item once the projection shows the write (whose version {@code write} answers); empty if it lags. */
    private Mono<ItemView> viewAfter(Caller caller, String itemId, Mono<Long> write) {
        return readYourWrites.viewAfter(write, ItemProjection.GROUP, new WatchItem(caller.organizationId(), itemId),
                ItemView.class, ItemView::version);
    }

    private Mono<ItemView> find(Caller caller, String itemId) {
        return lookup(caller, itemId).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("item")));
    }

    private Mono<ItemView> lookup(Caller caller, String itemId) {
        return Mono.defer(() -> queries.query(new FindItem(caller.organizationId(), itemId), ItemView.class));
    }

    /**
     * A created item that its projection does not show yet (it lags past the visibility timeout): it
     * is stored, so the answer is still 201, with what was written and no timestamps, which only the
     * projection knows.
     */
    private static ItemView asCreated(CreateItem item) {
        return new ItemView(item.itemId(), item.organizationId(), item.name(), item.sku(), item.quantity(),
                item.lowStockThreshold(), item.description(), ItemView.isLowStock(item.quantity(), item.lowStockThreshold()),
                0, null, null);
    }
}
