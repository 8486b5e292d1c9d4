package io.keyhook.server.web;

import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

class StaticAssetsTest extends KeyhookAppTest {

    @Test
    void theConsoleIsServedWithAnETagAndRevalidatedWithoutABody() {
        var first = api.http().get().uri("/index.html").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE)
                .expectBody(String.class).returnResult();
        String etag = first.getResponseHeaders().getETag();
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(first.getResponseBody()).contains("<html");

        api.http().get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, etag)
                .expectBody(String.class).isEqualTo(first.getResponseBody());
        api.http().get().uri("/index.html").header(HttpHeaders.IF_NONE_MATCH, etag).exchange()
                .expectStatus().isNotModified()
                .expectHeader().valueEquals(HttpHeaders.ETAG, etag)
                .expectBody().isEmpty();
        api.http().get().uri("/index.html").header(HttpHeaders.IF_NONE_MATCH, "\"something-older\"").exchange()
                .expectStatus().isOk();
    }

    @Test
    void theConsoleModulesHaveTheirTypesAndHeadHasNoBody() {
        String script = api.http().get().uri("/console/app.js").exchange()
                .expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CONTENT_TYPE, type -> assertThat(type).contains("javascript"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(script).isNotBlank();
        api.http().get().uri("/console/style.css").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.valueOf("text/css"));
        api.http().head().uri("/console/app.js").exchange()
                .expectStatus().isOk()
                .expectHeader().exists(HttpHeaders.ETAG)
                .expectBody().isEmpty();
    }

    @Test
    void ifNoneMatchTakesAListWeakTagsAndAStar() {
        assertThat(StaticAssets.matches(null, "\"a\"")).isFalse();
        assertThat(StaticAssets.matches("\"b\"", "\"a\"")).isFalse();
        assertThat(StaticAssets.matches("\"b\", W/\"a\"", "\"a\"")).isTrue();
        assertThat(StaticAssets.matches("*", "\"a\"")).isTrue();
    }

    @Test
    void aQueryStringDoesNotChangeTheAssetAndAPathTheFirewallRefusesIsStillAProblem() {
        api.http().get().uri("/index.html?v=2").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        api.http().get().uri("/index.html;v=2").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anAssetThatDoesNotExistIsAProblem() {
        api.http().get().uri("/console/nothing-here.js").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        api.http().post().uri("/index.html").exchange()
                .expectStatus().value(status -> assertThat(status).isIn(404, 405));
    }
}
