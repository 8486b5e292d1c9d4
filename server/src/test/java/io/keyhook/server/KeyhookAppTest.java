package io.keyhook.server;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import org.springframework.util.FileSystemUtils;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole application on its embedded stack (H2 event store, db-scheduler deadlines, embedded
 * MongoDB server), over real HTTP on a random port. Test classes share one context and one data dir,
 * so each test makes its own organizations.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"keyhook.data-dir=" + KeyhookAppTest.DATA_DIR,
                "keyhook.api-keys.client-ip-header=" + Api.FORWARDED_FOR,
                "keyhook.webhooks.allow-private-targets=true",
                "keyhook.operators=" + Api.OPERATOR_EMAIL,
                "keyhook.webhooks.retry.initial-delay=1s",
                "keyhook.webhooks.retry.multiplier=4"})
public abstract class KeyhookAppTest {

    static final String DATA_DIR = "target/app-test-data";

    static {
        System.setProperty("axoniq.update-checker.disabled", "true");
        FileSystemUtils.deleteRecursively(Path.of(DATA_DIR).toFile());
    }

    @LocalServerPort
    protected int port;

    protected Api api;

    /**
     * A connection per request: a pooled connection left idle between test classes (while other
     * applications start and stop in the same JVM) could be dead when the next class picks it up.
     */
    @BeforeEach
    void connect() {
        HttpClient unpooled = HttpClient.create(ConnectionProvider.newConnection());
        api = new Api(WebTestClient.bindToServer(new ReactorClientHttpConnector(unpooled))
                .baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build());
    }
}
