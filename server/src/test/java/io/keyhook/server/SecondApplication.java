package io.keyhook.server;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * An application of a test's own, beside the shared one: its own data dir, a random port and
 * Reactor Netty resources of its own ({@link OwnNettyResources}), plus whatever settings the test adds.
 */
public final class SecondApplication {

    private SecondApplication() {
    }

    public static ConfigurableApplicationContext start(Path dataDir, String... settings) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        String[] args = Stream.concat(Stream.of("--keyhook.data-dir=" + dataDir, "--server.port=0"), Stream.of(settings))
                .toArray(String[]::new);
        return new SpringApplicationBuilder(KeyhookApplication.class, OwnNettyResources.class).run(args);
    }

    public static Api api(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Api(WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build());
    }
}
