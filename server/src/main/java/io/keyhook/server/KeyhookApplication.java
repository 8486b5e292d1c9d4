package io.keyhook.server;

import io.keyhook.server.infra.storage.StorageServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.data.mongodb.repository.config.EnableReactiveMongoRepositories;

import java.util.Locale;
import java.util.Map;

@SpringBootApplication(scanBasePackages = "io.keyhook")
@ConfigurationPropertiesScan
@EnableReactiveMongoRepositories(basePackages = "io.keyhook.query")
public class KeyhookApplication {

    public static final String SERVER_MODE = "server";
    private static final String MODE_FLAG = "--keyhook.mode=";
    private static final String MODE_VARIABLE = "KEYHOOK_MODE";

    /**
     * {@code --keyhook.mode} (env {@code KEYHOOK_MODE}): {@code server}, the default, or
     * {@code storage}: only the stores, for several servers to share (see {@link StorageServer}).
     */
    public static void main(String[] args) {
        String mode = mode(args, System.getenv());
        switch (mode) {
            case SERVER_MODE -> runServer(args);
            case "storage" -> System.exit(StorageServer.run(args, System.getenv()));
            default -> {
                System.err.println("Unknown keyhook.mode '" + mode + "': use server (the default) or storage");
                System.exit(1);
            }
        }
    }

    /** The flag, else the environment variable. */
    static String mode(String[] args, Map<String, String> environment) {
        String mode = environment.getOrDefault(MODE_VARIABLE, SERVER_MODE);
        for (String arg : args) {
            if (arg.startsWith(MODE_FLAG)) {
                mode = arg.substring(MODE_FLAG.length());
            }
        }
        return mode.strip().toLowerCase(Locale.ROOT);
    }

    private static void runServer(String[] args) {
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
