package io.keyhook.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, as Maven wrote it into {@code keyhook-version.properties}. */
public final class KeyhookVersion {

    public static final String VERSION = read();

    private KeyhookVersion() {
    }

    private static String read() {
        try (InputStream in = KeyhookVersion.class.getResourceAsStream("keyhook-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("keyhook-version.properties is missing from the build");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
