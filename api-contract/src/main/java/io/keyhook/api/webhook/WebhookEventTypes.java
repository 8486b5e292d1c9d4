package io.keyhook.api.webhook;

import io.keyhook.api.account.UserIds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The event types a subscription can ask for, each with an example of the request body a receiver
 * gets: {@code {"id", "event", "timestamp", "organization_id", "data"}}.
 */
public final class WebhookEventTypes {

    public static final String ITEM_CREATED = "item.created";
    public static final String ITEM_UPDATED = "item.updated";
    public static final String ITEM_DELETED = "item.deleted";
    public static final String ITEM_LOW_STOCK = "item.low_stock";
    public static final String USER_ADDED = "user.added";
    public static final String WEBHOOK_TEST = "webhook.test";

    public record EventType(String name, String description, Map<String, Object> example) {
    }

    public static final List<EventType> ALL = List.of(
            type(ITEM_CREATED, "An item was created.", item(120)),
            type(ITEM_UPDATED, "An item was replaced, or its stock adjusted (then with the delta).",
                    withDelta(item(95), -25)),
            type(ITEM_DELETED, "An item was deleted.", Map.of("itemId", "6f1c2a4e-8a0b-4a8e-9d55-3c1b2f0e7a10")),
            type(ITEM_LOW_STOCK, "An item's quantity fell to or below its low-stock threshold (once per crossing).",
                    item(4)),
            type(USER_ADDED, "A user was added to the organization.", ordered(
                    "userId", UserIds.forEmail("bob@example.com"), "email", "bob@example.com", "role", "member")),
            type(WEBHOOK_TEST, "Sent on request, to check an endpoint.", ordered(
                    "message", "This is a test webhook from Keyhook.", "subscriptionId",
                    "3d5e7f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f")));

    private WebhookEventTypes() {
    }

    public static boolean isKnown(String name) {
        return find(name).isPresent();
    }

    public static Optional<EventType> find(String name) {
        return ALL.stream().filter(type -> type.name().equals(name)).findFirst();
    }

    private static EventType type(String name, String description, Map<String, Object> data) {
        return new EventType(name, description, ordered("id", "2b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e", "event", name,
                "timestamp", "2026-03-01T10:15:30Z", "organization_id", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                "data", data));
    }

    private static Map<String, Object> item(int quantity) {
        return ordered("itemId", "6f1c2a4e-8a0b-4a8e-9d55-3c1b2f0e7a10", "name", "Bolt M6", "sku", "B-M6",
                "quantity", quantity, "lowStockThreshold", 5, "description", "Hex bolt, zinc plated");
    }

    private static Map<String, Object> withDelta(Map<String, Object> item, int delta) {
        Map<String, Object> result = new LinkedHashMap<>(item);
        result.put("delta", delta);
        return result;
    }

    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
