package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests a client can get wrong in every way, sent over a plain socket as they are: each one is
 * answered with the expected 4xx as an RFC 9457 problem, whichever layer refuses it (Reactor Netty's
 * codec, Spring's URI parsing, the security firewall, routing, content negotiation, body decoding,
 * validation, the controllers).
 */
class MalformedRequestsTest extends KeyhookAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ITEM = "{\"name\": \"Bolt\", \"quantity\": 1}";

    /** One malformed request and the status it must get. */
    private record Case(String name, int status, String requestLine, List<String> headers, byte[] body) {

        static Case of(String name, int status, String requestLine, String... headers) {
            return new Case(name, status, requestLine, List.of(headers), new byte[0]);
        }

        static Case json(String name, int status, String requestLine, String body, String... headers) {
            return withBody(name, status, requestLine, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
        }

        static Case withBody(String name, int status, String requestLine, String contentType, byte[] body,
                             String... headers) {
            List<String> all = new ArrayList<>(List.of(headers));
            all.add("Content-Type: " + contentType);
            all.add("Content-Length: " + body.length);
            return new Case(name, status, requestLine, all, body);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(bytes)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @TestFactory
    Stream<DynamicTest> everyMalformedRequestIsAProblem() throws IOException {
        Session admin = api.signup("Malformed");
        String auth = "Authorization: " + admin.bearer();
        String itemId = api.createItem(admin, "Bolt", 5, 0).get("id").asText();
        String webhookId = api.post(admin, "/api/v1/webhooks", Map.of("url", "http://localhost:1/hook",
                "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        JsonNode reader = api.issueKey(admin, Map.of("name", "reader", "scopes", List.of("items:read")));
        String readOnlyKey = "X-API-Key: " + reader.get("key").asText();
        String usage = "/api/v1/api-keys/" + reader.get("id").asText() + "/usage";
        byte[] twoMebibytes = ("{\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\", \"quantity\": 1}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] invalidUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        String manyHeaders = String.join("\r\n", IntStream.range(0, 100)
                .mapToObj(i -> "X-Filler-" + i + ": " + "f".repeat(100)).toList());

        List<Case> cases = List.of(
                // paths the security firewall refuses
                Case.of("encoded slash", 400, "GET /api/v1/items/a%2Fb HTTP/1.1", auth),
                Case.of("encoded slash, lower case", 400, "GET /api/v1/items%2fother HTTP/1.1"),
                Case.of("encoded NUL", 400, "GET /api/v1/items/%00 HTTP/1.1", auth),
                Case.of("encoded backslash", 400, "GET /api/v1/items/%5C HTTP/1.1", auth),
                Case.of("semicolon", 400, "GET /api/v1/items;jsessionid=1 HTTP/1.1", auth),
                Case.of("double slash", 400, "GET /api//v1/items HTTP/1.1", auth),
                Case.of("dot segment", 400, "GET /api/v1/../v1/items HTTP/1.1", auth),
                Case.of("encoded dot segment", 400, "GET /api/v1/items/%2e%2e/x HTTP/1.1", auth),
                // what Spring cannot parse as a URI, and what Netty cannot decode
                Case.of("malformed percent escape", 400, "GET /api/v1/items/%zz HTTP/1.1", auth),
                Case.of("malformed escape in the query", 400, "GET /api/v1/items?page=%g1 HTTP/1.1", auth),
                Case.of("illegal character in the path", 400, "GET /api/v1/items/<x> HTTP/1.1", auth),
                Case.of("space in the path", 400, "GET /api/v1/items/a b HTTP/1.1", auth),
                Case.of("not HTTP at all", 400, "GARBAGE"),
                Case.of("header without a colon", 400, "GET /api/v1/items HTTP/1.1", "NoColonHere"),
                Case.of("content length not a number", 400, "POST /api/v1/items HTTP/1.1", auth, "Content-Length: abc"),
                // oversize
                Case.of("URI over 4 KiB", 414, "GET /api/v1/items?page=" + "9".repeat(5000) + " HTTP/1.1", auth),
                Case.of("one header over 8 KiB", 431, "GET /api/v1/items HTTP/1.1", auth, "X-Big: " + "b".repeat(9000)),
                Case.of("headers over 8 KiB together", 431, "GET /api/v1/items HTTP/1.1", auth, manyHeaders),
                Case.withBody("declared body over 1 MiB", 413, "POST /api/v1/items HTTP/1.1", "application/json",
                        twoMebibytes, auth),
                new Case("chunked body over 1 MiB", 413, "POST /api/v1/items HTTP/1.1",
                        List.of(auth, "Content-Type: application/json", "Transfer-Encoding: chunked"),
                        RawHttp.chunked(twoMebibytes, 64 * 1024)),
                // methods
                Case.of("PATCH on a collection", 405, "PATCH /api/v1/items HTTP/1.1", auth),
                Case.of("DELETE on a collection", 405, "DELETE /api/v1/items HTTP/1.1", auth),
                Case.of("GET on login", 405, "GET /api/v1/auth/login HTTP/1.1", auth),
                Case.of("TRACE", 400, "TRACE /api/v1/items HTTP/1.1", auth),
                Case.of("a made-up method", 400, "BREW /api/v1/items HTTP/1.1", auth),
                // content types and accept headers
                Case.withBody("text body", 415, "POST /api/v1/items HTTP/1.1", "text/plain",
                        "name=Bolt".getBytes(StandardCharsets.UTF_8), auth),
                Case.withBody("XML body", 415, "POST /api/v1/items HTTP/1.1", "application/xml",
                        "<item/>".getBytes(StandardCharsets.UTF_8), auth),
                Case.withBody("unparsable content type", 415, "POST /api/v1/items HTTP/1.1", "not a media type",
                        ITEM.getBytes(StandardCharsets.UTF_8), auth),
                new Case("body without a content type", 415, "POST /api/v1/items HTTP/1.1",
                        List.of(auth, "Content-Length: " + ITEM.length()), ITEM.getBytes(StandardCharsets.UTF_8)),
                Case.withBody("a compressed body", 415, "POST /api/v1/items HTTP/1.1", "application/json", gzip(ITEM),
                        auth, "Content-Encoding: gzip"),
                Case.withBody("a body that only claims a content coding", 415, "POST /api/v1/items HTTP/1.1",
                        "application/json", ITEM.getBytes(StandardCharsets.UTF_8), auth, "Content-Encoding: br"),
                Case.of("accepts only XML", 406, "GET /api/v1/items HTTP/1.1", auth, "Accept: application/xml"),
                Case.of("accepts only CSV", 406, "GET /api/v1/webhooks/event-types HTTP/1.1", auth, "Accept: text/csv"),
                Case.of("unparsable accept header", 406, "GET /api/v1/items HTTP/1.1", auth, "Accept: ;;;"),
                // bodies
                Case.json("truncated JSON", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": ", auth),
                Case.json("not JSON", 400, "POST /api/v1/items HTTP/1.1", "hello", auth),
                Case.json("an array for an object", 400, "POST /api/v1/items HTTP/1.1", "[1, 2]", auth),
                Case.json("JSON null", 400, "POST /api/v1/items HTTP/1.1", "null", auth),
                Case.json("empty body", 400, "POST /api/v1/items HTTP/1.1", "", auth),
                Case.json("trailing garbage", 400, "POST /api/v1/items HTTP/1.1", ITEM + " {}", auth),
                Case.withBody("invalid UTF-8", 400, "POST /api/v1/items HTTP/1.1", "application/json", invalidUtf8, auth),
                Case.json("string for a number", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": \"ten\"}", auth),
                Case.json("object for a string", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": {\"a\": 1}, \"quantity\": 1}", auth),
                Case.json("number beyond int", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": 99999999999999999999}", auth),
                Case.json("number beyond double", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": 1e400}", auth),
                Case.json("fraction for an integer", 400, "POST /api/v1/items/" + itemId + "/stock HTTP/1.1", "{\"delta\": 1.5}", auth),
                Case.json("null for a required field", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": null}", auth),
                Case.json("unknown enum value", 400, "POST /api/v1/users HTTP/1.1",
                        "{\"email\": \"x@example.com\", \"password\": \"long enough\", \"role\": \"superuser\"}", auth),
                Case.json("a null in a list", 400, "POST /api/v1/api-keys HTTP/1.1", "{\"name\": \"k\", \"scopes\": [null]}", auth),
                Case.json("unparsable instant", 400, "POST /api/v1/api-keys HTTP/1.1",
                        "{\"name\": \"k\", \"scopes\": [\"items:read\"], \"expiresAt\": \"tomorrow\"}", auth),
                Case.json("unknown field", 400, "POST /api/v1/webhooks HTTP/1.1",
                        "{\"url\": \"http://localhost:1/x\", \"eventTypes\": [\"item.created\"], \"signatureScheme\": \"v1a\"}", auth),
                Case.json("unknown field on sign-up, no credentials", 400, "POST /api/v1/auth/signup HTTP/1.1",
                        "{\"organization\": \"O\", \"email\": \"" + Api.uniqueEmail("u") + "\", \"password\": \"long enough\", \"plan\": \"pro\"}"),
                Case.json("garbled If-Match", 400, "PUT /api/v1/items/" + itemId + " HTTP/1.1", ITEM, auth, "If-Match: yesterday"),
                Case.json("a field given twice", 400, "POST /api/v1/items/" + itemId + "/stock HTTP/1.1",
                        "{\"delta\": 1, \"delta\": 2}", auth),
                Case.json("a field given twice, the last one valid", 400, "POST /api/v1/items HTTP/1.1",
                        "{\"name\": \"\", \"name\": \"Bolt\", \"quantity\": 1}", auth),
                Case.json("a number for a string", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": 12345, \"quantity\": 1}", auth),
                Case.json("a boolean for a string", 400, "POST /api/v1/auth/signup HTTP/1.1",
                        "{\"organization\": true, \"email\": \"" + Api.uniqueEmail("u") + "\", \"password\": \"long enough\"}"),
                Case.json("a numeric string for a number", 400, "POST /api/v1/items HTTP/1.1", "{\"name\": \"Bolt\", \"quantity\": \"7\"}", auth),
                Case.json("a string for a boolean", 400, "PUT /api/v1/webhooks/" + webhookId + " HTTP/1.1",
                        "{\"url\": \"http://localhost:1/hook\", \"eventTypes\": [\"item.created\"], \"active\": \"true\"}", auth),
                Case.json("a number for a boolean", 400, "PUT /api/v1/webhooks/" + webhookId + " HTTP/1.1",
                        "{\"url\": \"http://localhost:1/hook\", \"eventTypes\": [\"item.created\"], \"active\": 1}", auth),
                Case.json("an expiry beyond the year 9999", 400, "POST /api/v1/api-keys HTTP/1.1",
                        "{\"name\": \"k\", \"scopes\": [\"items:read\"], \"expiresAt\": \"+999999999-12-31T23:59:59Z\"}", auth),
                // query parameters
                Case.of("negative page", 400, "GET /api/v1/items?page=-1 HTTP/1.1", auth),
                Case.of("size not a number", 400, "GET /api/v1/items?size=abc HTTP/1.1", auth),
                Case.of("size zero", 400, "GET /api/v1/items?size=0 HTTP/1.1", auth),
                Case.of("page beyond int", 400, "GET /api/v1/items?page=99999999999 HTTP/1.1", auth),
                Case.of("page in hexadecimal", 400, "GET /api/v1/items?page=0x10 HTTP/1.1", auth),
                Case.of("size with a blank in it", 400, "GET /api/v1/items?size=1%200 HTTP/1.1", auth),
                Case.of("a filter the API does not have", 400, "GET /api/v1/webhooks/" + webhookId + "/deliveries?state=failed HTTP/1.1", auth),
                Case.of("an unknown status filter value", 400, "GET /api/v1/webhooks/" + webhookId + "/deliveries?status=lost HTTP/1.1", auth),
                Case.of("unparsable from", 400, "GET /api/v1/api-keys/" + itemId + "/usage?from=yesterday HTTP/1.1", auth),
                Case.of("from before the year 0", 400, "GET " + usage + "?from=-999999999-01-01T00:00:00Z HTTP/1.1", auth),
                Case.of("to beyond the year 9999, as NDJSON", 400, "GET " + usage + "?to=%2B999999999-12-31T23:59:59Z HTTP/1.1",
                        auth, "Accept: application/x-ndjson"),
                Case.of("a paging parameter given twice", 400, "GET /api/v1/items?page=0&page=1 HTTP/1.1", auth),
                Case.of("a filter given twice", 400, "GET /api/v1/webhooks/" + webhookId + "/deliveries?status=failed&status=pending HTTP/1.1", auth),
                // routes and credentials
                Case.of("unknown route", 404, "GET /api/v1/nothing-here HTTP/1.1", auth),
                Case.of("unknown API version", 404, "GET /api/v2/items HTTP/1.1", auth),
                Case.of("unknown item", 404, "GET /api/v1/items/not-an-id HTTP/1.1", auth),
                Case.of("redelivery of an id a URI cannot hold", 404, "POST /api/v1/deliveries/%7Bid%7D/redeliver HTTP/1.1", auth),
                Case.of("unknown route outside the API", 404, "GET /.well-known/nothing HTTP/1.1"),
                Case.of("no credentials", 401, "GET /api/v1/items HTTP/1.1"),
                Case.of("unknown route, no credentials", 401, "GET /api/v1/nothing-here HTTP/1.1"),
                Case.of("empty bearer", 401, "GET /api/v1/items HTTP/1.1", "Authorization: Bearer"),
                Case.of("basic credentials", 401, "GET /api/v1/items HTTP/1.1", "Authorization: Basic Zm9vOmJhcg=="),
                Case.of("made-up API key", 401, "GET /api/v1/items HTTP/1.1", "X-API-Key: kh_live_madeup"),
                Case.of("two Authorization headers", 400, "GET /api/v1/items HTTP/1.1", auth, "Authorization: Bearer junk"),
                Case.of("a key header twice", 400, "GET /api/v1/items HTTP/1.1", readOnlyKey, readOnlyKey),
                Case.of("a key in each of two places", 400, "GET /api/v1/items HTTP/1.1", readOnlyKey,
                        readOnlyKey.replace("X-API-Key: ", "Authorization: Bearer ")),
                Case.json("a key without the scope", 403, "POST /api/v1/items HTTP/1.1", ITEM, readOnlyKey));

        RawHttp http = new RawHttp(port);
        return cases.stream().map(request -> DynamicTest.dynamicTest(request.name() + " -> " + request.status(), () -> {
            List<String> headers = new ArrayList<>(request.headers());
            headers.add(Api.FORWARDED_FOR + ": " + Api.nextClientAddress());
            RawHttp.Response response = http.send(request.requestLine(), headers, request.body());
            assertThat(response.status()).as("status; body %s", response.body()).isEqualTo(request.status());
            assertThat(response.headers().get("content-type")).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.path("type").asText()).startsWith("urn:keyhook:problem:");
            assertThat(problem.path("title").asText()).isNotBlank();
            assertThat(problem.path("status").asInt()).isEqualTo(request.status());
            assertThat(problem.path("detail").asText()).isNotBlank();
        }));
    }
}
