package io.keyhook.server.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Secrets generated once into the data dir: readable by the server's user only, written atomically. */
public final class SecretFiles {

    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);

    private SecretFiles() {
    }

    /**
     * The configured base64 secret if there is one, else the one generated into {@code file} on first
     * start; at least {@code minBytes} long, exactly that long when {@code exact}.
     */
    public static byte[] configuredOrGenerated(String configured, String property, Path file, int minBytes,
                                               boolean exact, SecureRandom random, String what) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.strip(), property, minBytes, exact, what);
        }
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString(), minBytes,
                        exact, what);
            }
            byte[] secret = new byte[minBytes];
            random.nextBytes(secret);
            writePrivately(file, Base64.getEncoder().encodeToString(secret));
            log.info("Generated a new {} in {}", what, file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the " + what + " " + file.toAbsolutePath(), e);
        }
    }

    private static byte[] decode(String base64, String source, int minBytes, boolean exact, String what) {
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the " + what + " in " + source + " is not base64");
        }
        if (exact ? secret.length != minBytes : secret.length < minBytes) {
            throw new IllegalStateException("the " + what + " in " + source + " must be " + (exact ? "" : "at least ")
                    + minBytes + " bytes");
        }
        return secret;
    }

    public static void writePrivately(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".secret", ".tmp");
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            log.warn("Cannot restrict the permissions of {}: protect it by other means", file);
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
