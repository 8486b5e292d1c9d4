package io.keyhook.server.webhook;

import io.keyhook.api.delivery.DeliveryView;
import org.springframework.http.codec.ServerSentEvent;

/**
 * The server-sent events of a delivery timeline: one {@code delivery} event per delivery and change,
 * its id the delivery's id and version, so a client sees each version once.
 */
public final class DeliveryEvents {

    public static final String EVENT = "delivery";
    public static final String KEEP_ALIVE = "keep-alive";

    private DeliveryEvents() {
    }

    public static ServerSentEvent<DeliveryView> of(DeliveryView view) {
        return ServerSentEvent.builder(view).id(view.id() + ":" + view.version()).event(EVENT).build();
    }

    public static ServerSentEvent<DeliveryView> keepAlive() {
        return ServerSentEvent.<DeliveryView>builder().comment(KEEP_ALIVE).build();
    }
}
