package io.keyhook.server.apikey;

import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * When the event store cannot take an attempt's audit event, the request is refused with 503 and
 * not served. An application of its own, because its event store is taken away for a moment.
 */
class AuditUnavailableTest {

    @TempDir
    Path dataDir;

    @Test
    void anAttemptThatCannotBeAuditedIsNotServed() {
        try (ConfigurableApplicationContext app = SecondApplication.start(dataDir)) {
            Api api = SecondApplication.api(app);
            Session admin = api.signup("Acme");
            Api.KeyClient client = api.withKey(api.issueKey(admin, Map.of("name", "writer",
                    "scopes", List.of("items:read", "items:write"))).get("key").asText());
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);

            jdbc.execute("ALTER TABLE DomainEventEntry RENAME TO DomainEventEntryAway");
            try {
                client.post("/api/v1/items", Map.of("name", "Unaudited", "quantity", 1))
                        .expectStatus().isEqualTo(503)
                        .expectHeader().valueEquals("Retry-After", "1")
                        .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:audit-unavailable");
            } finally {
                jdbc.execute("ALTER TABLE DomainEventEntryAway RENAME TO DomainEventEntry");
            }

            client.get("/api/v1/items").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
            client.post("/api/v1/items", Map.of("name", "Audited", "quantity", 1)).expectStatus().isCreated();
        }
    }
}
