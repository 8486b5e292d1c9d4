package io.keyhook.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.data.mongodb.repository.config.EnableReactiveMongoRepositories;

@SpringBootApplication(scanBasePackages = "io.keyhook")
@ConfigurationPropertiesScan
@EnableReactiveMongoRepositories(basePackages = "io.keyhook.query")
public class KeyhookApplication {

    public static void main(String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        try {
            SpringApplication.run(KeyhookApplication.class, args);
        } catch (Throwable startFailure) {
            // Spring Boot has already logged why; embedded servers and schedulers must not keep a
            // half-started JVM alive.
            System.err.println("Keyhook failed to start: " + rootMessage(startFailure));
            System.exit(1);
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
