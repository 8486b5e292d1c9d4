package io.keyhook.api.delivery;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A delivery's id is a function of the event and the subscription: re-handling an event finds the same delivery. */
public final class DeliveryIds {

    private DeliveryIds() {
    }

    public static String of(String eventId, String subscriptionId) {
        return "msg_" + UUID.nameUUIDFromBytes(("keyhook:delivery:" + eventId + ":" + subscriptionId)
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }
}
