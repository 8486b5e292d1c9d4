package io.keyhook.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.item.WatchItem;
import io.keyhook.server.Api.Session;
import io.keyhook.query.item.ItemProjection;
import io.keyhook.server.KeyhookAppTest;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;



class ItemFlowTest extends KeyhookAppTest {

    @Autowired
    private ReactorQueryGateway queries;

    @Autowired
    private EventProcessingConfiguration processing;

    @Test
    void aCreatedItemIsReadBackFromTheProjection() {
        Session admin = api.signup("Acme");
        JsonNode created = api.createItem(admin, "Bolt", 10, 3);
        String id = created.get("id").asText();

        api.get(admin, "/api/v1/items/" + id).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"0\"")
                .expectBody()
                .jsonPath("$.name").isEqualTo("Bolt")
                .jsonPath("$.quantity").isEqualTo(10)
                .jsonPath("$.lowStock").isEqualTo(false)
                .jsonPath("$.organizationId").isEqualTo(admin.organizationId());
    }

    @Test
    void listsItemsInPages() {
        Session admin = api.signup("Acme");
        for (int i = 0; i < 5; i++) {
            api.createItem(admin, "Item " + i, i, 0);
        }

        api.get(admin, "/api/v1/items?page=1&size=2").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(5)
                .jsonPath("$.page").isEqualTo(1)
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].name").isEqualTo("Item 2")
                .jsonPath("$.items[1].name").isEqualTo("Item 3");
    }

    /** The listing is held in memory: every write that answered is in the very next listing. */
    @Test
    void theListingShowsEveryWriteAsSoonAsItAnswers() {
        Session admin = api.signup("Acme");
        api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(0)
                .jsonPath("$.items.length()").isEqualTo(0);
        String first = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items[0].quantity").isEqualTo(10);
        String second = api.createItem(admin, "Nut", 5, 1).get("id").asText();
        api.post(admin, "/api/v1/items/" + first + "/stock", Map.of("delta", -8)).expectStatus().isOk();
        api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(2)
                .jsonPath("$.items[0].quantity").isEqualTo(2)
                .jsonPath("$.items[0].lowStock").isEqualTo(true)
                .jsonPath("$.items[0].version").isEqualTo(2)
                .jsonPath("$.items[1].id").isEqualTo(second);
        api.put(admin, "/api/v1/items/" + second, Map.of("name", "Nut M6", "quantity", 7, "lowStockThreshold", 1))
                .expectStatus().isOk();
        api.get(admin, "/api/v1/items?page=0&size=1").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(2)
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(first);
        api.get(admin, "/api/v1/items?page=1&size=1").expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].name").isEqualTo("Nut M6");
        api.delete(admin, "/api/v1/items/" + first).expectStatus().isNoContent();
        api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(second);
        api.get(admin, "/api/v1/items?page=5&size=100").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void replaceAdjustAndDelete() {
        Session admin = api.signup("Acme");
        String id = api.createItem(admin, "Bolt", 10, 3).get("id").asText();

        api.put(admin, "/api/v1/items/" + id, Map.of("name", "Bolt M6", "quantity", 8, "lowStockThreshold", 3))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Bolt M6")
                .jsonPath("$.version").isEqualTo(1);
        api.post(admin, "/api/v1/items/" + id + "/stock", Map.of("delta", -5))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.quantity").isEqualTo(3)
                .jsonPath("$.lowStock").isEqualTo(true);
        api.post(admin, "/api/v1/items/" + id + "/stock", Map.of("delta", -4))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:insufficient-stock");

        api.delete(admin, "/api/v1/items/" + id).expectStatus().isNoContent();
        api.get(admin, "/api/v1/items/" + id).expectStatus().isNotFound();
        api.delete(admin, "/api/v1/items/" + id).expectStatus().isNotFound();
    }

    @Test
    void aStaleIfMatchIsAConflictAndChangesNothing() {
        Session admin = api.signup("Acme");
        String id = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        api.post(admin, "/api/v1/items/" + id + "/stock", Map.of("delta", 1)).expectStatus().isOk();

        api.http().put().uri("/api/v1/items/" + id).header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .header(HttpHeaders.IF_MATCH, "\"0\"").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Stale", "quantity", 1))
                .exchange()
                .expectStatus().isEqualTo(409);
        api.get(admin, "/api/v1/items/" + id).expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Bolt")
                .jsonPath("$.quantity").isEqualTo(11);
    }

    @Test
    void anotherOrganizationsItemIsNotFound() {
        Session owner = api.signup("Owner");
        Session other = api.signup("Other");
        String id = api.createItem(owner, "Secret bolt", 10, 3).get("id").asText();

        api.get(other, "/api/v1/items/" + id).expectStatus().isNotFound();
        api.put(other, "/api/v1/items/" + id, Map.of("name", "Mine now", "quantity", 1)).expectStatus().isNotFound();
        api.post(other, "/api/v1/items/" + id + "/stock", Map.of("delta", -1)).expectStatus().isNotFound();
        api.delete(other, "/api/v1/items/" + id).expectStatus().isNotFound();
        api.get(other, "/api/v1/items").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);

        api.get(owner, "/api/v1/items/" + id).expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Secret bolt")
                .jsonPath("$.quantity").isEqualTo(10);
    }

    @Test
    void theProjectionPushesEachNewVersionItReachesToSubscribers() {
        Session admin = api.signup("Acme");
        String id = api.createItem(admin, "Bolt", 10, 3).get("id").asText();

        StepVerifier.create(queries.subscriptionQuery(FindProjectedVersion.ITEMS, new FindProjectedVersion(id),
                                Long.class, Long.class)
                        .flatMapMany(result -> result.initialResult().concatWith(result.updates())))
                .expectNext(0L)
                .then(() -> api.post(admin, "/api/v1/items/" + id + "/stock", Map.of("delta", -7)).expectStatus().isOk())
                // The stock change and the low-stock crossing may be projected in one batch: then only
                // the version the batch reached is pushed. The create's own push (version 0) may still be
                // on its way when the subscription reads its first answer.
                .thenConsumeWhile(version -> version <= 1L)
                .expectNext(2L)
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    /** What a write answers with: the item as the projection wrote it, pushed, with no read of its own. */
    @Test
    void theProjectionPushesTheItemAsEachBatchLeftIt() {
        Session admin = api.signup("Acme");
        String id = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        Session other = api.signup("Other");

        StepVerifier.create(queries.subscriptionQuery(new WatchItem(other.organizationId(), id), ItemView.class,
                        ItemView.class).flatMapMany(result -> result.initialResult()))
                .as("another organization's item")
                .verifyComplete();
        StepVerifier.create(queries.subscriptionQuery(new WatchItem(admin.organizationId(), id), ItemView.class,
                                ItemView.class)
                        .flatMapMany(result -> result.initialResult().concatWith(result.updates())))
                .assertNext(item -> assertThat(item.quantity()).isEqualTo(10))
                .then(() -> api.post(admin, "/api/v1/items/" + id + "/stock", Map.of("delta", -7)).expectStatus().isOk())
                // The create's own push may still be on its way when the first answer is read.
                .thenConsumeWhile(item -> item.version() < 2,
                        item -> assertThat(item.quantity()).isEqualTo(item.version() == 0 ? 10 : 3))
                .assertNext(item -> {
                    assertThat(item.version()).isEqualTo(2);
                    assertThat(item.quantity()).isEqualTo(3);
                    assertThat(item.lowStock()).isTrue();
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    /** The item is stored once the write answers: a projection that lags still gives a 201, never a 404. */
    @Test
    void aCreateAnswers201WhileTheProjectionLags() {
        Session admin = api.signup("Acme");
        TrackingEventProcessor items = processing.eventProcessor(ItemProjection.GROUP, TrackingEventProcessor.class)
                .orElseThrow();
        items.shutDown();
        String id;
        try {
            id = api.post(admin, "/api/v1/items", Map.of("name", "Lagging bolt", "quantity", 2, "lowStockThreshold", 3))
                    .expectStatus().isCreated()
                    .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/items/.+")
                    .expectBody()
                    .jsonPath("$.name").isEqualTo("Lagging bolt")
                    .jsonPath("$.lowStock").isEqualTo(true)
                    .jsonPath("$.version").isEqualTo(0)
                    .jsonPath("$.createdAt").doesNotExist()
                    .returnResult().getResponseHeaders().getLocation().getPath().replace("/api/v1/items/", "");
        } finally {
            items.start();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api.get(admin, "/api/v1/items/" + id)
                .expectStatus().isOk().expectBody().jsonPath("$.createdAt").exists());
    }

    @Test
    void anUnknownItemIsNotFound() {
        Session admin = api.signup("Acme");
        api.get(admin, "/api/v1/items/does-not-exist").expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        api.put(admin, "/api/v1/items/does-not-exist", Map.of("name", "x", "quantity", 1)).expectStatus().isNotFound();
    }
}
