package io.keyhook.server.infra;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose files cannot be run here (no Docker engine), so they are checked for what would make
 * them fail or misbehave: every service they depend on or proxy to exists, every volume is
 * declared, the two Keyhook instances share their keys and differ in their data, and every
 * {@code KEYHOOK_*} variable names a setting the server has.
 */
class DockerComposeFilesTest {

    private static final Pattern PROXY_TARGET = Pattern.compile("^([a-z0-9-]+):(\\d+)$");

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.postgres.yml"})
    @SuppressWarnings("unchecked")
    void theFileHoldsTogether(String file) throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(Path.of("..", file))) {
            compose = new Yaml().load(reader);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        Set<String> volumes = ((Map<String, Object>) compose.get("volumes")).keySet();

        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Map<String, Object> definition = service.getValue();
            assertThat(definition.containsKey("image") || ".".equals(definition.get("build")))
                    .as(service.getKey() + " has an image or builds this repository's Dockerfile").isTrue();
            Object dependsOn = definition.get("depends_on");
            if (dependsOn instanceof Map<?, ?> dependencies) {
                assertThat(services.keySet()).as(service.getKey() + " depends on").containsAll(
                        (Set<String>) dependencies.keySet());
            }
            for (Object mount : (List<Object>) definition.getOrDefault("volumes", List.of())) {
                String name = mount.toString().split(":")[0];
                assertThat(volumes).as(service.getKey() + " mounts").contains(name);
            }
        }

        List<String> proxy = (List<String>) services.get("proxy").get("command");
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < proxy.size() - 1; i++) {
            if (proxy.get(i).equals("--to")) {
                Matcher target = PROXY_TARGET.matcher(proxy.get(i + 1));
                assertThat(target.matches()).as(proxy.get(i + 1)).isTrue();
                targets.add(target.group(1));
            }
        }
        assertThat(targets).containsExactlyInAnyOrder("keyhook-1", "keyhook-2");

        Map<String, Object> first = services.get("keyhook-1");
        Map<String, Object> second = services.get("keyhook-2");
        assertThat(second.get("environment")).as("the same settings").isEqualTo(first.get("environment"));
        List<Object> firstMounts = (List<Object>) first.get("volumes");
        List<Object> secondMounts = (List<Object>) second.get("volumes");
        assertThat(firstMounts).contains("keyhook-secrets:/secrets");
        assertThat(secondMounts).contains("keyhook-secrets:/secrets");
        assertThat(firstMounts.get(0)).as("each its own data").isNotEqualTo(secondMounts.get(0));

        Map<String, Object> environment = (Map<String, Object>) first.get("environment");
        assertThat(environment).containsKeys("KEYHOOK_AUTH_JWT_KEY_FILE", "KEYHOOK_API_KEYS_PEPPER_FILE",
                "KEYHOOK_WEBHOOKS_ENCRYPTION_KEY_FILE");
        for (String variable : environment.keySet()) {
            if (variable.startsWith("KEYHOOK_")) {
                assertThat(ConfigurationTableTest.settingForVariable(variable)).as(variable).isPresent();
            }
        }
    }
}
