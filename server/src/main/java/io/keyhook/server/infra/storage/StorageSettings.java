package io.keyhook.server.infra.storage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of the storage mode, each a flag ({@code --keyhook.storage.mongo-port=27018}) or the
 * matching environment variable ({@code KEYHOOK_STORAGE_MONGO_PORT}); a flag wins. Port {@code 0}
 * means a free one.
 *
 * @param listenAddress where both servers listen; {@code 127.0.0.1} unless set: any other address
 *                      opens them to the network
 */
public record StorageSettings(Path dataDir, int postgresPort, int mongoPort, String listenAddress) {

    static final String MODE = "keyhook.mode";
    static final String DATA_DIR = "keyhook.data-dir";
    static final String POSTGRES_PORT = "keyhook.storage.postgres-port";
    static final String MONGO_PORT = "keyhook.storage.mongo-port";
    static final String LISTEN_ADDRESS = "keyhook.storage.listen-address";
    private static final Map<String, String> DEFAULTS = Map.of(
            DATA_DIR, "./data",
            POSTGRES_PORT, "5432",
            MONGO_PORT, "27017",
            LISTEN_ADDRESS, "127.0.0.1");

    public static StorageSettings parse(String[] args, Map<String, String> environment) {
        Map<String, String> flags = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : null;
            if (name == null || !(name.equals(MODE) || DEFAULTS.containsKey(name))) {
                throw new IllegalArgumentException("the storage mode takes --" + DATA_DIR + "=, --" + POSTGRES_PORT
                        + "=, --" + MONGO_PORT + "= and --" + LISTEN_ADDRESS + "=, not " + arg);
            }
            flags.put(name, arg.substring(equals + 1));
        }
        Map<String, String> values = new HashMap<>();
        DEFAULTS.forEach((name, fallback) -> values.put(name,
                flags.getOrDefault(name, environment.getOrDefault(environmentVariable(name), fallback)).strip()));
        StorageSettings settings = new StorageSettings(Path.of(values.get(DATA_DIR)).toAbsolutePath().normalize(),
                port(POSTGRES_PORT, values.get(POSTGRES_PORT)), port(MONGO_PORT, values.get(MONGO_PORT)),
                values.get(LISTEN_ADDRESS));
        settings.listenInetAddress();
        return settings;
    }

    /** {@code keyhook.storage.mongo-port} -> {@code KEYHOOK_STORAGE_MONGO_PORT}, Spring Boot's way. */
    static String environmentVariable(String name) {
        return name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    InetAddress listenInetAddress() {
        try {
            return InetAddress.getByName(listenAddress);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(LISTEN_ADDRESS + " " + listenAddress + " is not an address of this host");
        }
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a port number (0 for a free one), not '" + value + "'");
    }
}
