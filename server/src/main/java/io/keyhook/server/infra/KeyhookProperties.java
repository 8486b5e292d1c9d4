package io.keyhook.server.infra;

import io.keyhook.command.delivery.RetryPolicy;
import io.keyhook.server.KeyhookApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The server's {@code keyhook.*} settings ({@code operators}: the emails of the users who may run
 * installation-wide operations such as replays; organization admins may not); each can also be given as a flag ({@code --keyhook.data-dir=...})
 * or an environment variable ({@code KEYHOOK_DATA_DIR}). How webhooks are delivered, also under
 * {@code keyhook.webhooks}, is the webhook module's {@code WebhookSettings}. {@code embeddedMongo}: start
 * the embedded MongoDB server for the read models when no {@code spring.data.mongodb.uri} is given.
 * {@code mode}: read by {@code KeyhookApplication} before anything starts ({@code storage} runs only
 * the stores); listed here to document it.
 */
@ConfigurationProperties("keyhook")
public record KeyhookProperties(@DefaultValue(KeyhookApplication.SERVER_MODE) String mode,
                                @DefaultValue("./data") Path dataDir,
                                @DefaultValue List<String> operators,
                                @DefaultValue Postgres postgres,
                                @DefaultValue("true") boolean embeddedMongo,
                                @DefaultValue Auth auth,
                                @DefaultValue Api api,
                                @DefaultValue ApiKeys apiKeys,
                                @DefaultValue Webhooks webhooks,
                                @DefaultValue Cluster cluster) {

    /**
     * Where events, tracking tokens, sagas and deadlines are stored. Read by
     * {@link EmbeddedStorageInitializer} before the context starts; listed here to document them.
     *
     * @param url      a JDBC URL ({@code jdbc:postgresql://host:5432/keyhook}; env {@code KEYHOOK_POSTGRES_URL}):
     *                 that PostgreSQL is used as it is. Unset: a PostgreSQL is started on {@code <data-dir>/postgres}
     * @param username the user of {@code url}
     * @param password the password of {@code url}
     */
    public record Postgres(String url, @DefaultValue("keyhook") String username, String password) {

        @Override
        public String toString() {
            return "Postgres[url=" + url + ", username=" + username + "]";
        }
    }

    /**
     * @param tokenTtl      how long a login token stays valid
     * @param signupEnabled whether anyone may create an organization
     * @param jwtKeyFile    the JWT signing key (JWK JSON); default {@code <data-dir>/jwt-signing-key.json}
     */
    public record Auth(@DefaultValue("8h") Duration tokenTtl,
                       @DefaultValue("true") boolean signupEnabled,
                       Path jwtKeyFile) {
    }

    /**
     * @param commandTimeout    how long a write may take before the request answers 503
     * @param visibilityTimeout how long a write waits for its change to be readable before answering
     */
    public record Api(@DefaultValue("10s") Duration commandTimeout,
                      @DefaultValue("5s") Duration visibilityTimeout) {
    }

    /**
     * @param hashing             how new keys are stored: {@code hmac}, {@code argon2id} or {@code bcrypt}
     * @param pepper              base64 of at least 32 bytes; default: generated once into {@code pepperFile}
     * @param pepperFile          where the generated pepper lives; default {@code <data-dir>/api-key-pepper}
     * @param allowQueryParam     whether {@code ?api_key=} is accepted (query strings end up in logs)
     * @param clientIpHeader      a header set by a trusted proxy (e.g. {@code X-Forwarded-For}) to take the
     *                            client address from; unset: the socket's peer address
     * @param readPerMinute       default limit of read requests (GET, HEAD) per key and minute
     * @param writePerMinute      default limit of other requests per key and minute
     * @param failedAuthPerMinute failed key authentications allowed per client address and minute
     * @param auditQueueCapacity  attempts waiting to be appended to the event store before requests get 503
     * @param auditTimeout        how long a request waits for its audit append before it is refused (503)
     * @param sharedRateLimits    keep rate limits and failed-authentication lockouts in PostgreSQL, shared by
     *                            every instance (each may overshoot a limit by 2 % before it synchronizes);
     *                            off: each instance limits on its own
     */
    public record ApiKeys(@DefaultValue("hmac") String hashing,
                          String pepper,
                          Path pepperFile,
                          @DefaultValue("false") boolean allowQueryParam,
                          String clientIpHeader,
                          @DefaultValue("100") int readPerMinute,
                          @DefaultValue("30") int writePerMinute,
                          @DefaultValue("10") int failedAuthPerMinute,
                          @DefaultValue("20000") int auditQueueCapacity,
                          @DefaultValue("5s") Duration auditTimeout,
                          @DefaultValue("false") boolean sharedRateLimits) {
    }

    /**
     * @param retry             how failed attempts are retried
     * @param secretGracePeriod how long a rotated-out signing secret keeps signing beside the new one
     * @param encryptionKey     base64 of the 32-byte AES key for signing secrets; default: generated into
     *                          {@code encryptionKeyFile}
     * @param encryptionKeyFile default {@code <data-dir>/webhook-secret-key}
     */
    public record Webhooks(@DefaultValue RetryPolicy.Backoff retry,
                           @DefaultValue("24h") Duration secretGracePeriod,
                           String encryptionKey,
                           Path encryptionKeyFile) {
    }

    /**
     * @param enabled several instances share the stores (the {@code postgres} profile turns it on): each
     *                follows the projections that the others run, so that their caches, live streams and
     *                waiting writers see every change; free segments are claimed sooner
     */
    public record Cluster(@DefaultValue("false") boolean enabled) {
    }

    public Path webhookKeyFile() {
        return webhooks.encryptionKeyFile() != null ? webhooks.encryptionKeyFile()
                : dataDir.resolve("webhook-secret-key");
    }

    public Path pepperFile() {
        return apiKeys.pepperFile() != null ? apiKeys.pepperFile() : dataDir.resolve("api-key-pepper");
    }

    public Path jwtKeyFile() {
        return auth.jwtKeyFile() != null ? auth.jwtKeyFile() : dataDir.resolve("jwt-signing-key.json");
    }
}
