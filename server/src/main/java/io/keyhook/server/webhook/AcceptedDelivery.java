package io.keyhook.server.webhook;

/** The answer to a test send or a redelivery: the delivery that is under way (also its {@code Location}). */
public record AcceptedDelivery(String deliveryId) {
}
