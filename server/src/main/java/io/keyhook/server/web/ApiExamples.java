package io.keyhook.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.api.account.Role;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.account.UserView;
import io.keyhook.api.apikey.ApiKeyPage;
import io.keyhook.api.apikey.ApiKeyView;
import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.Environment;
import io.keyhook.api.apikey.Scope;
import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageOutcome;
import io.keyhook.api.apikey.UsagePage;
import io.keyhook.api.apikey.UsageReason;
import io.keyhook.api.delivery.AttemptView;
import io.keyhook.api.delivery.DeliveryIds;
import io.keyhook.api.delivery.DeliveryPage;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.item.ItemPage;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.webhook.WebhookEventTypes;
import io.keyhook.api.webhook.WebhookSubscriptionPage;
import io.keyhook.api.webhook.WebhookSubscriptionView;
import io.keyhook.command.apikey.ApiKeyFormat;
import io.keyhook.server.account.AddUserRequest;
import io.keyhook.server.account.LoginRequest;
import io.keyhook.server.account.MeResponse;
import io.keyhook.server.account.SignupRequest;
import io.keyhook.server.account.SignupResponse;
import io.keyhook.server.admin.ReplayProgress;
import io.keyhook.server.admin.ReplayRequest;
import io.keyhook.server.apikey.IssueApiKeyRequest;
import io.keyhook.server.apikey.IssuedApiKey;
import io.keyhook.server.apikey.RotateApiKeyRequest;
import io.keyhook.server.apikey.UsageRebuild;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.item.ItemRequest;
import io.keyhook.server.item.StockRequest;
import io.keyhook.server.security.Caller;
import io.keyhook.server.security.IssuedToken;
import io.keyhook.server.security.RouteScopes;
import io.keyhook.server.webhook.AcceptedDelivery;
import io.keyhook.server.webhook.DeliveryEvents;
import io.keyhook.server.webhook.RotateSecretRequest;
import io.keyhook.server.webhook.SubscriptionWithSecret;
import io.keyhook.server.webhook.WebhookRequest;
import io.keyhook.webhook.dispatch.WebhookPayloads;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.ServerSentEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OpenAPI document's examples: one organization's morning (Acme Hardware, its admin Ada, the item
 * of the webhook catalog's examples, a key for a stock sync, a subscription for the ERP and one
 * delivery to it). Each is one of the records the API reads or answers, written by the application's
 * ObjectMapper, so it is the JSON a client sends or gets; ids are made the way the server makes them.
 * The key, the signing secrets and the login token have the real formats but were never issued, and
 * the token's signature is zeros: none of them opens anything.
 */
final class ApiExamples {

    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String PROBLEM_SCHEMA = "#/components/schemas/" + OpenApiConfig.PROBLEM;

    private static final Map<String, Object> ITEM_CREATED =
            WebhookEventTypes.find(WebhookEventTypes.ITEM_CREATED).orElseThrow().example();
    @SuppressWarnings("unchecked")
    private static final Map<String, Object> ITEM = (Map<String, Object>) ITEM_CREATED.get("data");

    static final String ORGANIZATION_ID = (String) ITEM_CREATED.get("organization_id");
    static final String ITEM_ID = (String) ITEM.get("itemId");
    static final String EVENT_ID = (String) ITEM_CREATED.get("id");
    static final String SUBSCRIPTION_ID = "3d5e7f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    static final String DELIVERY_ID = DeliveryIds.of(EVENT_ID, SUBSCRIPTION_ID);
    static final String KEY_ID = "f4429fe0-5741-4268-bd3a-38905d190d59";
    static final String REPLAY_ID = "73d1c723-53b5-4a9d-a75c-9692449cb755";
    static final String REBUILD_ID = "0e6f8a1c-2b3d-4e5f-9a7b-8c9d0e1f2a3b";
    static final String ADA = "ada@example.com";
    static final String BOB = "bob@example.com";
    static final String ADA_ID = UserIds.forEmail(ADA);
    static final String BOB_ID = UserIds.forEmail(BOB);
    /** A key as {@code ApiKeyFormat} makes them (checksum included), never issued; and the one its rotation gave. */
    static final String API_KEY = "kh_live_wEEVhDSF8Dk32hdYDu8pqRoU6Bj64QcGiNfriX392i00zO";
    static final String ROTATED_API_KEY = "kh_live_FJxvCdjFglLV5wKD6NW8RjlXVPnZU6cGmQvref9M3ntEJj";
    /** Signing secrets as {@code WebhookSignature.newSecret} makes them, never used. */
    static final String WEBHOOK_SECRET = "whsec_spoqnQIb4MhjaTlXUqPoYC5AGnEVXvIW";
    static final String ROTATED_WEBHOOK_SECRET = "whsec_50qRBrpK0XcRD9tr/VoJUieD47g8lA7s";

    private static final String PASSWORD = "correct horse";
    private static final String ORGANIZATION = "Acme Hardware";
    private static final Instant SIGNED_UP = Instant.parse("2026-03-01T09:00:00.412Z");
    private static final Instant KEY_ISSUED = Instant.parse("2026-03-01T09:12:44.907Z");
    private static final Instant SUBSCRIBED = Instant.parse("2026-03-01T09:20:03.250Z");
    private static final Instant BOB_ADDED = Instant.parse("2026-03-01T09:31:18.664Z");
    private static final Instant ITEM_CREATED_AT = Instant.parse((String) ITEM_CREATED.get("timestamp")).plusMillis(123);
    private static final Instant STOCK_ADJUSTED = Instant.parse("2026-03-01T11:02:07.481Z");
    private static final Instant ROTATED = Instant.parse("2026-03-08T08:00:00.116Z");

    private final ObjectMapper json;
    private final KeyhookProperties properties;
    private final Map<String, Object> bySchema = new HashMap<>();
    /** Success answers whose schema serves answers that differ, or tells too little (a string, any object). */
    private final Map<String, Object> answers = new HashMap<>();

    ApiExamples(ObjectMapper json, KeyhookProperties properties, Map<String, Object> publicKeys) {
        this.json = json;
        this.properties = properties;
        requests();
        accounts(publicKeys);
        items();
        apiKeys();
        webhooks();
        replays();
    }

    /**
     * Gives every named schema that has an example its example, every request body and every success
     * answer the example of its schema (or of its operation, where one schema serves answers that
     * differ), and every problem answer a problem as the server writes it for that operation.
     */
    void addTo(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        bySchema.forEach((name, example) -> {
            if (schemas.containsKey(name)) {
                schemas.get(name).setExamples(List.of(example));
            }
        });
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (operation.getRequestBody() != null) {
                examples(operation.getRequestBody().getContent(), (type, media) -> example(media));
            }
            operation.getResponses().forEach((status, response) -> examples(response.getContent(), (type, media) ->
                    status.startsWith("2") ? answer(method.name(), path, type, media)
                            : PROBLEM_SCHEMA.equals(media.getSchema().get$ref())
                            ? problem(Integer.parseInt(status), method.name(), path, operation) : null));
        }));
    }

    private interface ExampleFor {
        Object of(String mediaType, MediaType media);
    }

    private static void examples(Content content, ExampleFor exampleFor) {
        if (content == null) {
            return;
        }
        content.forEach((type, media) -> {
            if (media.getExample() == null && media.getSchema() != null) {
                Object example = exampleFor.of(type, media);
                if (example != null) {
                    media.setExample(example);
                }
            }
        });
    }

    private Object answer(String method, String path, String mediaType, MediaType media) {
        Object special = answers.get(method + " " + path + " " + mediaType);
        return special != null ? special : example(media);
    }

    private Object example(MediaType media) {
        Schema<?> schema = media.getSchema();
        if (schema.get$ref() != null) {
            return bySchema.get(name(schema.get$ref()));
        }
        if (schema.getItems() != null && schema.getItems().get$ref() != null) {
            Object one = bySchema.get(name(schema.getItems().get$ref()));
            return one == null ? null : List.of(one);
        }
        return null;
    }

    private static String name(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    /** The problem this operation answers with that status, as {@code ProblemWriter} writes it. */
    private Object problem(int status, String method, String path, Operation operation) {
        Resource resource = Resource.of(path);
        ProblemDetail problem = switch (status) {
            case 400 -> badRequest(operation);
            case 401 -> ApiProblem.unauthorized("authentication required").problem();
            case 403 -> RouteScopes.required(HttpMethod.valueOf(method), path).map(ApiProblem::missingScope)
                    .orElseGet(() -> ApiProblem.forbidden("forbidden", "not allowed")).problem();
            case 404 -> ApiProblem.notFound(resource == null ? "resource" : resource.noun()).problem();
            case 429 -> {
                ProblemDetail limited = ApiProblem.rateLimited(RouteScopes.isRead(HttpMethod.valueOf(method))
                        ? properties.apiKeys().readPerMinute() : properties.apiKeys().writePerMinute(), 12).problem();
                limited.setProperty("reason", UsageReason.RATE_LIMITED.value());
                yield limited;
            }
            case 409 -> ApiConflicts.of(method, path).map(ApiProblem::problem).orElse(null);
            default -> null;
        };
        if (problem == null) {
            return null;
        }
        String instance = resource == null ? path : path.replace("{id}", resource.id());
        problem.setInstance(URI.create(instance.replace("{rebuildId}", REBUILD_ID)));
        return tree(problem);
    }

    /** A misspelled field where there is a body; else an unknown query parameter, where the operation takes some. */
    private static ProblemDetail badRequest(Operation operation) {
        if (operation.getRequestBody() != null) {
            return ApiProblem.invalidField("colour", "unknown field").problem();
        }
        List<String> query = operation.getParameters() == null ? List.of() : operation.getParameters().stream()
                .filter(parameter -> "query".equals(parameter.getIn())).map(Parameter::getName).sorted().toList();
        if (!query.isEmpty()) {
            return ApiProblem.invalidField("state", "unknown query parameter; this endpoint takes "
                    + String.join(", ", query)).problem();
        }
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "the request could not be read").problem();
    }

    /** The resource a path names, by its collection: the example's id for {@code {id}}, and what a 404 calls it. */
    private record Resource(String id, String noun) {

        private static final Map<String, Resource> BY_COLLECTION = Map.of(
                "items", new Resource(ITEM_ID, "item"),
                "api-keys", new Resource(KEY_ID, "API key"),
                "webhooks", new Resource(SUBSCRIPTION_ID, "webhook subscription"),
                "deliveries", new Resource(DELIVERY_ID, "delivery"),
                "admin", new Resource(REPLAY_ID, "replay"));

        static Resource of(String path) {
            String[] segments = path.split("/");
            return segments.length > 3 && "api".equals(segments[1]) ? BY_COLLECTION.get(segments[3]) : null;
        }
    }

    private void requests() {
        add(new ItemRequest((String) ITEM.get("name"), (String) ITEM.get("sku"), (Integer) ITEM.get("quantity"),
                (Integer) ITEM.get("lowStockThreshold"), (String) ITEM.get("description")));
        add(new StockRequest(-25));
        add(new SignupRequest(ORGANIZATION, ADA, PASSWORD));
        add(new LoginRequest(ADA, PASSWORD));
        add(new AddUserRequest(BOB, "another pass", Role.MEMBER));
        add(new IssueApiKeyRequest("stock sync", EnumSet.of(Scope.ITEMS_READ, Scope.ITEMS_WRITE), Environment.LIVE,
                Instant.parse("2027-06-30T00:00:00Z"), 600, List.of("203.0.113.0/24")));
        add(new RotateApiKeyRequest(3600L));
        add(new WebhookRequest("https://erp.example.com/hooks/keyhook", eventTypes(), "ERP", null, null));
        add(new RotateSecretRequest(86400L, null));
        add(new ReplayRequest("api-key-usage"));
    }

    private void accounts(Map<String, Object> publicKeys) {
        Instant issued = SIGNED_UP.truncatedTo(ChronoUnit.SECONDS);
        Instant expires = issued.plus(properties.auth().tokenTtl());
        String token = token(publicKeys, issued, expires);
        add(new SignupResponse(ORGANIZATION_ID, ADA_ID, token, expires));
        add(new IssuedToken(token, expires));
        add(new UserView(BOB_ID, ORGANIZATION_ID, ORGANIZATION, BOB, Role.MEMBER, BOB_ADDED));
        add(new MeResponse(ORGANIZATION_ID, ORGANIZATION, ADA_ID, ADA, Role.ADMIN, Caller.BY_API_KEY, KEY_ID,
                EnumSet.of(Scope.ITEMS_READ, Scope.ITEMS_WRITE)));
        on("GET", "/.well-known/jwks.json", JSON, publicKeys);
    }

    /**
     * A login token of the real shape (header and claims as {@code TokenIssuer} writes them) whose
     * signature is all zeros: it verifies nowhere.
     */
    private String token(Map<String, Object> publicKeys, Instant issued, Instant expires) {
        List<?> keys = (List<?>) publicKeys.get("keys");
        Object keyId = keys == null || keys.isEmpty() ? null : ((Map<?, ?>) keys.get(0)).get("kid");
        Map<String, Object> header = new LinkedHashMap<>();
        if (keyId != null) {
            header.put("kid", keyId);
        }
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "keyhook");
        claims.put("sub", ADA_ID);
        claims.put("org", ORGANIZATION_ID);
        claims.put("role", Role.ADMIN.value());
        claims.put("iat", issued.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("jti", "71f2c623-739d-468b-9e3f-cae5518e3e2a");
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(bytes(header)) + "." + base64.encodeToString(bytes(claims)) + "."
                + base64.encodeToString(new byte[256]);
    }

    private void items() {
        ItemView created = item((Integer) ITEM.get("quantity"), 0, ITEM_CREATED_AT);
        ItemView adjusted = item(created.quantity() - 25, 1, STOCK_ADJUSTED);
        add(created);
        add(new ItemPage(List.of(adjusted), 0, 20, 1));
        on("POST", "/api/v1/items/{id}/stock", JSON, tree(adjusted));
    }

    private static ItemView item(int quantity, long version, Instant updatedAt) {
        int threshold = (Integer) ITEM.get("lowStockThreshold");
        return new ItemView(ITEM_ID, ORGANIZATION_ID, (String) ITEM.get("name"), (String) ITEM.get("sku"), quantity,
                threshold, (String) ITEM.get("description"), ItemView.isLowStock(quantity, threshold), version,
                ITEM_CREATED_AT, updatedAt);
    }

    private void apiKeys() {
        Set<Scope> scopes = EnumSet.of(Scope.ITEMS_READ, Scope.ITEMS_WRITE);
        Instant expires = Instant.parse("2027-06-30T00:00:00Z");
        List<String> allowedIps = List.of("203.0.113.0/24");
        ApiKeyView issued = new ApiKeyView(KEY_ID, ORGANIZATION_ID, ADA_ID, "stock sync", prefix(API_KEY), scopes,
                Environment.LIVE, ApiKeyView.ACTIVE, KEY_ISSUED, expires, null, null, null, null, 600, allowedIps, 0);
        ApiKeyView used = new ApiKeyView(KEY_ID, ORGANIZATION_ID, ADA_ID, "stock sync", prefix(API_KEY), scopes,
                Environment.LIVE, ApiKeyView.ACTIVE, KEY_ISSUED, expires, null, null, null, STOCK_ADJUSTED.minusMillis(26),
                600, allowedIps, 0);
        ApiKeyView rotated = new ApiKeyView(KEY_ID, ORGANIZATION_ID, ADA_ID, "stock sync", prefix(ROTATED_API_KEY),
                scopes, Environment.LIVE, ApiKeyView.ACTIVE, KEY_ISSUED, expires, null, ROTATED,
                ROTATED.plus(Duration.ofHours(1)), STOCK_ADJUSTED.minusMillis(26), 600, allowedIps, 1);
        add(used);
        add(new ApiKeyPage(List.of(used), 0, 20, 1));
        add(new IssuedApiKey(API_KEY, issued));
        on("POST", "/api/v1/api-keys/{id}/rotate", JSON, tree(new IssuedApiKey(ROTATED_API_KEY, rotated)));

        String client = "203.0.113.7";
        String agent = "stock-sync/2.3";
        UsageEntry denied = new UsageEntry("6a2ce630-2d40-4c4a-9e46-e8207268ee9c", KEY_ID, prefix(API_KEY),
                STOCK_ADJUSTED.plusSeconds(95), "DELETE", "/api/v1/items/" + ITEM_ID, client, agent, UsageOutcome.DENIED,
                UsageReason.MISSING_SCOPE, ApiProblem.missingScope(Scope.ITEMS_DELETE).problem().getDetail());
        UsageEntry allowed = new UsageEntry("c7e0b5d2-94a1-4f3e-8b6d-2a9f1e4c7b30", KEY_ID, prefix(API_KEY),
                STOCK_ADJUSTED.minusMillis(26), "POST", "/api/v1/items/" + ITEM_ID + "/stock", client, agent,
                UsageOutcome.ALLOWED, UsageReason.OK, null);
        add(allowed);
        add(new UsagePage(List.of(denied, allowed), 0, 20, 2));
        on("GET", "/api/v1/api-keys/{id}/usage", NDJSON, List.of(denied, allowed).stream()
                .map(entry -> new String(bytes(entry), StandardCharsets.UTF_8) + "\n").collect(Collectors.joining()));
        Map<String, Long> byReason = new LinkedHashMap<>();
        byReason.put(UsageReason.OK.value(), 1423L);
        byReason.put(UsageReason.MISSING_SCOPE.value(), 1L);
        add(new DailyUsage(LocalDate.of(2026, 3, 1), 1423, 1, byReason));
        Instant rebuildStarted = ROTATED.plusSeconds(600);
        add(new UsageRebuild(REBUILD_ID, KEY_ID, rebuildStarted, 0, false, null));
        on("GET", "/api/v1/api-keys/{id}/usage/rebuild/{rebuildId}", JSON,
                tree(new UsageRebuild(REBUILD_ID, KEY_ID, rebuildStarted, 1424, true, null)));
    }

    private static String prefix(String key) {
        return ApiKeyFormat.parse(key).orElseThrow(() -> new IllegalStateException("not a key: " + key)).prefix();
    }

    private void webhooks() {
        WebhookSubscriptionView subscription = subscription(SUBSCRIBED, null, null, 0);
        add(subscription);
        add(new WebhookSubscriptionPage(List.of(subscription), 0, 20, 1));
        add(new SubscriptionWithSecret(WEBHOOK_SECRET, subscription, List.of()));
        on("PUT", "/api/v1/webhooks/{id}", JSON,
                tree(new SubscriptionWithSecret(null, subscription(ROTATED.minusSeconds(3600), null, null, 1), List.of())));
        on("POST", "/api/v1/webhooks/{id}/rotate-secret", JSON, tree(new SubscriptionWithSecret(ROTATED_WEBHOOK_SECRET,
                subscription(ROTATED, ROTATED, ROTATED.plus(Duration.ofDays(1)), 1), List.of())));

        Instant first = ITEM_CREATED_AT.plusMillis(61);
        Instant due = first.plus(properties.webhooks().retry().initialDelay());
        AttemptView failed = new AttemptView(1, first, first.plusMillis(3), 212, 503, "the receiver answered 503",
                "{\"error\":\"maintenance\"}", false);
        AttemptView succeeded = new AttemptView(2, due, due.plusMillis(8), 87, 200, null, "ok", true);
        String payload = WebhookPayloads.body(EVENT_ID, WebhookEventTypes.ITEM_CREATED, ITEM_CREATED_AT, ORGANIZATION_ID,
                ITEM);
        DeliveryView delivery = new DeliveryView(DELIVERY_ID, SUBSCRIPTION_ID, ORGANIZATION_ID, EVENT_ID,
                WebhookEventTypes.ITEM_CREATED, DeliveryStatus.SUCCEEDED, first, due.plusMillis(95), null, null, payload,
                List.of(failed, succeeded), 4);
        add(succeeded);
        add(delivery);
        add(new DeliveryPage(List.of(delivery), 0, 20, 1));
        add(new AcceptedDelivery(DELIVERY_ID));
        add(WebhookEventTypes.ALL.get(0));
        on("GET", "/api/v1/webhooks/event-types", JSON, tree(WebhookEventTypes.ALL));
        on("GET", "/api/v1/webhooks/{id}/deliveries/stream", EVENT_STREAM, event(DeliveryEvents.of(delivery))
                + ":" + DeliveryEvents.KEEP_ALIVE + "\n\n");
    }

    private static WebhookSubscriptionView subscription(Instant updatedAt, Instant secretRotatedAt,
                                                        Instant previousSecretValidUntil, long version) {
        return new WebhookSubscriptionView(SUBSCRIPTION_ID, ORGANIZATION_ID, "https://erp.example.com/hooks/keyhook",
                eventTypes(), "ERP", true, null, 0, SUBSCRIBED, updatedAt, secretRotatedAt, previousSecretValidUntil,
                version);
    }

    private static Set<String> eventTypes() {
        return new LinkedHashSet<>(List.of(WebhookEventTypes.ITEM_CREATED, WebhookEventTypes.ITEM_LOW_STOCK));
    }

    /** A server-sent event as Spring's encoder writes it. */
    private String event(ServerSentEvent<?> event) {
        return "id:" + event.id() + "\nevent:" + event.event() + "\ndata:"
                + new String(bytes(event.data()), StandardCharsets.UTF_8) + "\n\n";
    }

    private void replays() {
        Instant started = ROTATED.plus(Duration.ofHours(4));
        add(new ReplayProgress(REPLAY_ID, "api-key-usage", started, 0, 81234, false));
        on("GET", "/api/v1/admin/replays/{id}", JSON,
                tree(new ReplayProgress(REPLAY_ID, "api-key-usage", started, 40617, 81234, false)));
    }

    private void add(Object example) {
        bySchema.put(example.getClass().getSimpleName(), tree(example));
    }

    private void on(String method, String path, String mediaType, Object example) {
        answers.put(method + " " + path + " " + mediaType, Objects.requireNonNull(example));
    }

    /** The example as plain maps, lists and values: what the ObjectMapper writes, read back. */
    private Object tree(Object value) {
        try {
            return json.readValue(bytes(value), Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
