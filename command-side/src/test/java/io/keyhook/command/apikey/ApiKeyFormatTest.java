package io.keyhook.command.apikey;

import io.keyhook.api.apikey.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyFormatTest {

    private final SecureRandom random = new SecureRandom();

    @ParameterizedTest
    @EnumSource(Environment.class)
    void generatedKeysHaveTheDocumentedShapeAndParse(Environment environment) {
        ApiKeyFormat.GeneratedKey key = ApiKeyFormat.generate(environment, random);

        assertThat(key.plaintext()).matches("kh_" + environment.value() + "_[0-9A-Za-z]{46}");
        assertThat(key.prefix()).isEqualTo(key.plaintext().substring(0, ("kh_" + environment.value() + "_").length() + 8));
        assertThat(ApiKeyFormat.parse(key.plaintext()))
                .hasValueSatisfying(parsed -> {
                    assertThat(parsed.environment()).isEqualTo(environment);
                    assertThat(parsed.prefix()).isEqualTo(key.prefix());
                });
    }

    @Test
    void everySingleCharacterChangeIsCaughtByTheChecksum() {
        String key = ApiKeyFormat.generate(Environment.LIVE, random).plaintext();
        int start = "kh_live_".length();
        int refused = 0;
        for (int position = start; position < key.length(); position++) {
            for (char replacement : Base62.ALPHABET.toCharArray()) {
                if (replacement == key.charAt(position)) {
                    continue;
                }
                String typo = key.substring(0, position) + replacement + key.substring(position + 1);
                assertThat(ApiKeyFormat.parse(typo)).as(typo).isEmpty();
                refused++;
            }
        }
        assertThat(refused).isEqualTo((key.length() - start) * 61);
    }

    @Test
    void refusesTruncatedExtendedAndForeignValues() {
        String key = ApiKeyFormat.generate(Environment.TEST, random).plaintext();

        assertThat(ApiKeyFormat.parse(key.substring(0, key.length() - 1))).isEmpty();
        assertThat(ApiKeyFormat.parse(key + "0")).isEmpty();
        assertThat(ApiKeyFormat.parse(key.replace("kh_test_", "kh_live_"))).isEmpty();
        assertThat(ApiKeyFormat.parse(key.replace("kh_test_", "kh_prod_"))).isEmpty();
        assertThat(ApiKeyFormat.parse(key.substring(0, 20) + "-" + key.substring(21))).isEmpty();
        assertThat(ApiKeyFormat.parse("")).isEmpty();
        assertThat(ApiKeyFormat.parse(null)).isEmpty();
    }

    @Test
    void keysDoNotRepeat() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(ApiKeyFormat.generate(Environment.LIVE, random).plaintext());
        }
        assertThat(keys).hasSize(10_000);
    }

    @Test
    void thePresentedPrefixNeverCarriesTheSecretPart() {
        String key = ApiKeyFormat.generate(Environment.LIVE, random).plaintext();

        assertThat(ApiKeyFormat.presentedPrefix(key)).isEqualTo(key.substring(0, 16));
        assertThat(ApiKeyFormat.presentedPrefix("kh_x\nevil")).isEqualTo("kh_x?evil");
        ApiKeyFormat.GeneratedKey generated = ApiKeyFormat.generate(Environment.LIVE, random);
        assertThat(generated.toString()).doesNotContain(generated.plaintext()).contains(generated.prefix());
    }
}
