package io.keyhook.api.delivery;

/** Subscription: every change to a delivery of this subscription, as it happens. */
public record WatchDeliveries(String organizationId, String subscriptionId) {
}
