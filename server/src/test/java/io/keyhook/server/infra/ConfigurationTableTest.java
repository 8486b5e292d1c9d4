package io.keyhook.server.infra;

import io.keyhook.webhook.WebhookSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table and the settings records say the same: each {@code keyhook.*}
 * setting of one is in the other, and a default the table gives is the one the records bind.
 */
class ConfigurationTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| (`keyhook\\.[^|]*) \\| ([^|]*) \\|");
    private static final Pattern LITERAL = Pattern.compile("`([^`<]*)`");

    /** Each documented setting with its default as the table gives it: a literal in backticks or a description. */
    private static Map<String, String> table() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                String[] names = row.group(1).split(",\\s*");
                String[] defaults = row.group(2).split(",\\s*");
                assertThat(defaults).as(line).hasSameSizeAs(names);
                for (int i = 0; i < names.length; i++) {
                    settings.put(names[i].replace("`", "").strip(), defaults[i].strip());
                }
            }
        }
        return settings;
    }

    @Test
    void everySettingIsDocumentedAndEveryDocumentedOneExists() throws IOException {
        assertThat(table().keySet()).containsExactlyInAnyOrderElementsOf(settings());
    }

    /** Every {@code keyhook.*} setting the records bind. */
    static List<String> settings() {
        List<String> settings = new ArrayList<>();
        names("keyhook", KeyhookProperties.class, settings);
        names("keyhook.webhooks", WebhookSettings.class, settings);
        return settings;
    }

    /** The setting an environment variable sets ({@code KEYHOOK_API_KEYS_PEPPER_FILE}: keyhook.api-keys.pepper-file). */
    static Optional<String> settingForVariable(String variable) {
        return settings().stream()
                .filter(setting -> setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(variable))
                .findFirst();
    }

    @Test
    void everyDocumentedDefaultIsTheBoundOne() throws IOException {
        KeyhookProperties properties = bind(Map.of()).properties();
        WebhookSettings webhooks = bind(Map.of()).webhooks();
        List<String> checked = new ArrayList<>();
        table().forEach((name, documented) -> {
            Matcher literal = LITERAL.matcher(documented);
            if (literal.matches()) {
                Bound bound = bind(Map.of(name, literal.group(1)));
                assertThat(bound.names()).as(name + " is bound").contains(name);
                assertThat(bound.properties()).as(name + " = " + documented).isEqualTo(properties);
                assertThat(bound.webhooks()).as(name + " = " + documented).isEqualTo(webhooks);
                checked.add(name);
            }
        });
        assertThat(checked).hasSizeGreaterThan(25).contains("keyhook.data-dir", "keyhook.webhooks.timeout",
                "keyhook.webhooks.retry.jitter");
    }

    private record Bound(KeyhookProperties properties, WebhookSettings webhooks, Set<String> names) {
    }

    private static Bound bind(Map<String, String> settings) {
        Set<String> names = new HashSet<>();
        BindHandler recording = new BindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                names.add(name.toString());
                return result;
            }
        };
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        return new Bound(binder.bindOrCreate("keyhook", Bindable.of(KeyhookProperties.class), recording),
                binder.bindOrCreate("keyhook.webhooks", Bindable.of(WebhookSettings.class), recording), names);
    }

    private static void names(String prefix, Class<?> settings, List<String> names) {
        for (RecordComponent component : settings.getRecordComponents()) {
            String name = prefix + "." + DataObjectPropertyName.toDashedForm(component.getName());
            if (component.getType().isRecord()) {
                names(name, component.getType(), names);
            } else {
                names.add(name);
            }
        }
    }
}
