package io.keyhook.api.common;

/**
 * Asks a projection how far it has projected one aggregate (its last sequence number, -1 if none),
 * so that a write can answer only once its own change is readable. Each projection answers it under
 * its own query name.
 */
public record FindProjectedVersion(String aggregateId) {

    public static final String ACCOUNTS = "accounts.projected-version";
    public static final String ITEMS = "items.projected-version";
    public static final String API_KEYS = "api-keys.projected-version";
    public static final String WEBHOOKS = "webhook-subscriptions.projected-version";
    public static final String DELIVERIES = "deliveries.projected-version";
}
