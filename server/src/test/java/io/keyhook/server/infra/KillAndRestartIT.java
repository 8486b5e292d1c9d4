package io.keyhook.server.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.Receiver;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar, killed with SIGKILL in the middle of its life: after a restart on the same data
 * dir, everything it acknowledged is still served (events, read models, login key), and webhooks of
 * acknowledged writes still arrive. The embedded PostgreSQL outlives the JVM; the next start stops it.
 */
class KillAndRestartIT {

    @TempDir
    Path dataDir;

    private Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        // A postmaster left by a killed JVM: stop it, like the next start would.
        EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY)).ifPresent(postmaster -> {
            postmaster.destroy();
            postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    @Test
    void everythingAcknowledgedSurvivesAKill9() throws Exception {
        int port = freePort();
        server = start(port, "first.log");
        Api api = api(port);
        Session admin = api.signup("Acme");
        String itemId = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        api.post(admin, "/api/v1/items/" + itemId + "/stock", Map.of("delta", -4)).expectStatus().isOk();
        JsonNode last = api.createItem(admin, "Nut", 7, 1);

        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(137);

        server = start(port, "second.log");
        api.get(admin, "/api/v1/items/" + itemId).expectStatus().isOk().expectBody()
                .jsonPath("$.quantity").isEqualTo(6)
                .jsonPath("$.version").isEqualTo(1);
        api.get(admin, "/api/v1/items/" + last.get("id").asText()).expectStatus().isOk();
        api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(2);
        api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", admin.email(), "password", "correct horse"))
                .exchange().expectStatus().isOk();
    }

    @Test
    void anItemAcknowledgedRightBeforeAKill9IsThereAfterTheRestartAndItsWebhookArrivesSigned() throws Exception {
        try (Receiver receiver = new Receiver()) {
            int port = freePort();
            server = start(port, "first.log");
            Api api = api(port);
            Session admin = api.signup("Acme");
            String secret = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/hook"),
                            "eventTypes", List.of("item.created")))
                    .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                    .get("secret").asText();

            String itemId = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

            server = start(port, "second.log");
            api.get(admin, "/api/v1/items/" + itemId).expectStatus().isOk().expectBody()
                    .jsonPath("$.name").isEqualTo("Bolt");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(receiver.at("/hook"))
                    .anySatisfy(request -> {
                        assertThat(request.body()).contains(itemId);
                        assertThat(request.signedWith(secret)).as("signature verifies").isTrue();
                    }));
        }
    }

    private Process start(int port, String logName) throws IOException {
        String jar = System.getProperty("keyhook.jar", "target/keyhook.jar");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Daxoniq.update-checker.disabled=true", "-jar", jar,
                "--server.port=" + port, "--keyhook.data-dir=" + dataDir,
                "--keyhook.webhooks.allow-private-targets=true"))
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve(logName).toFile())
                .start();
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(process.isAlive()).as("server process alive").isTrue();
                    client.get().uri("/actuator/health").exchange().expectStatus().isOk();
                });
        return process;
    }

    private static Api api(int port) {
        return new Api(WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
