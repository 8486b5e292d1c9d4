package io.keyhook.webhook.target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetGuardTest {

    /** Names resolve from this table; everything else fails as a real resolver would for a bad name. */
    private static final Map<String, String[]> DNS = Map.of(
            "hooks.example.com", new String[]{"93.184.215.14"},
            "localhost", new String[]{"127.0.0.1", "::1"},
            "metadata.google.internal", new String[]{"169.254.169.254"},
            "internal.example.com", new String[]{"10.1.2.3"},
            "rebind.example.com", new String[]{"93.184.215.14", "192.168.1.10"},
            "v6.example.com", new String[]{"2606:4700:4700::1111"});

    private final TargetGuard guard = new TargetGuard(false, TargetGuardTest::resolve);

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String[] addresses = DNS.get(host);
        if (addresses == null) {
            return InetAddress.getAllByName(requireLiteral(host));
        }
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            resolved[i] = InetAddress.getByName(addresses[i]);
        }
        return resolved;
    }

    private static String requireLiteral(String host) throws UnknownHostException {
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            throw new UnknownHostException(host);
        }
        return host;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/hook",
            "http://127.1.2.3:8080/hook",
            "http://localhost/hook",
            "http://0.0.0.0/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.0.10/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://100.100.100.200/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fe80::1]/",
            "http://[fd00:ec2::254]/",
            "http://[fc00::1]/",
            "http://[ff02::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://internal.example.com/",
            "http://rebind.example.com/",
            "ftp://hooks.example.com/",
            "hooks.example.com/no-scheme",
            "https://user:pass@hooks.example.com/",
            "https://unknown-host.invalid/"})
    void refuses(String url) {
        assertThatThrownBy(() -> guard.check(url)).isInstanceOf(TargetRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.example.com/keyhook",
            "http://hooks.example.com:8080/keyhook?tenant=1",
            "https://93.184.215.14/hook",
            "https://1.1.1.1/",
            "https://[2606:4700:4700::1111]/",
            "https://v6.example.com/hook",
            "https://8.8.8.8:8443/"})
    void allowsPublicTargets(String url) {
        assertThat(guard.check(url).address()).isNotNull();
    }

    @Test
    void connectsToTheAddressItChecked() {
        TargetGuard.Target target = guard.check("https://hooks.example.com/keyhook");

        assertThat(target.address().getHostAddress()).isEqualTo("93.184.215.14");
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.port()).isEqualTo(443);
    }

    @Test
    void explainsARefusal() {
        assertThatThrownBy(() -> guard.check("http://metadata.google.internal/"))
                .hasMessageContaining("169.254.169.254").hasMessageContaining("cloud metadata");
        assertThatThrownBy(() -> guard.check("http://[64:ff9b::a00:1]/"))
                .hasMessageContaining("IPv6 form of 10.0.0.1");
    }

    @Test
    void privateTargetsPassWhenAllowed() {
        TargetGuard permissive = new TargetGuard(true, TargetGuardTest::resolve);

        assertThat(permissive.check("http://127.0.0.1:9000/hook").address().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> permissive.check("ftp://127.0.0.1/")).isInstanceOf(TargetRefusedException.class);
    }
}
