package io.keyhook.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.server.Receiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays rebuild a projection of every organization: only the installation's operator may start
 * one, never of a read model that authentication or webhook routing depend on, and what it rebuilds
 * equals what was there.
 */
class ReplayTest extends KeyhookAppTest {

    private static final String REPLAYS = "/api/v1/admin/replays";

    @Test
    void anOrganizationsAdminMayNotReplayWhatBelongsToEveryOrganization() {
        Session admin = api.signup("Acme");

        api.post(admin, REPLAYS, Map.of("processingGroup", "items"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:operator-only");
    }

    @Test
    void readModelsThatAuthenticationAndRoutingServeFromAreNotOffered() {
        Session operator = api.operator();
        for (String group : List.of("accounts", "api-keys", "webhook-subscriptions")) {
            api.post(operator, REPLAYS, Map.of("processingGroup", group))
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("processingGroup")
                    .jsonPath("$.errors[0].message").value(message -> assertThat(message.toString())
                            .contains("serves authentication or webhook routing"));
        }
    }

    @Test
    void aReplayOfTheItemsRebuildsThemAsTheyWere() {
        Session admin = api.signup("Acme");
        String bolt = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        api.createItem(admin, "Nut", 5, 1);
        api.post(admin, "/api/v1/items/" + bolt + "/stock", Map.of("delta", -8)).expectStatus().isOk();
        String deleted = api.createItem(admin, "Washer", 1, 0).get("id").asText();
        api.delete(admin, "/api/v1/items/" + deleted).expectStatus().isNoContent();
        String before = listing(admin);
        assertThat(before).contains("Bolt").contains("Nut").doesNotContain("Washer");

        Session operator = api.operator();
        replayToTheEnd(operator, "items");

        assertThat(listing(admin)).isEqualTo(before);
        api.get(admin, "/api/v1/items/" + deleted).expectStatus().isNotFound();
    }

    @Test
    void aReplayOfTheDeliveriesRebuildsEveryTimelineAsItWas() {
        try (Receiver receiver = new Receiver()) {
            receiver.answer("/replayed", 500);
            Session admin = api.signup("Acme");
            String subscription = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/replayed"),
                            "eventTypes", List.of("item.created")))
                    .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                    .get("id").asText();
            api.createItem(admin, "Bolt", 10, 3);
            api.createItem(admin, "Nut", 5, 1);
            String timeline = "/api/v1/webhooks/" + subscription + "/deliveries";
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    api.get(admin, timeline).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                            .getResponseBody().get("deliveries"))
                    .hasSize(2).allSatisfy(delivery -> assertThat(delivery.get("status").asText()).isEqualTo("succeeded")));
            String before = api.get(admin, timeline).expectBody(String.class).returnResult().getResponseBody();

            Session operator = api.operator();
            replayToTheEnd(operator, "deliveries");

            assertThat(api.get(admin, timeline).expectBody(String.class).returnResult().getResponseBody())
                    .isEqualTo(before);
            assertThat(receiver.at("/replayed")).as("a replay sends nothing").hasSize(3);
        }
    }

    private void replayToTheEnd(Session operator, String group) {
        JsonNode replay = api.post(operator, REPLAYS, Map.of("processingGroup", group))
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                api.get(operator, REPLAYS + "/" + replay.get("id").asText()).expectStatus().isOk()
                        .expectBody().jsonPath("$.done").isEqualTo(true));
    }

    private String listing(Session session) {
        return api.get(session, "/api/v1/items").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
