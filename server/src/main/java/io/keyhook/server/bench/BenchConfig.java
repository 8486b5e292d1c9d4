package io.keyhook.server.bench;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code bench} profile serves the item listing without authentication or audit, as the baseline
 * the authentication benchmark compares against. It is never active by default, and refuses to start
 * unless the server listens on a loopback address only.
 */
@Configuration
@Profile("bench")
public class BenchConfig {

    public BenchConfig(@Value("${server.address:}") String address) {
        if (!isLoopback(address)) {
            throw new IllegalStateException("the bench profile serves data without authentication; "
                    + "it starts only with --server.address=127.0.0.1 (or ::1)");
        }
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
