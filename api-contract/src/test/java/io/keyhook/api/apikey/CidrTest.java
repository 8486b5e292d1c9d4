package io.keyhook.api.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void containsAddressesOfItsNetworkOnly() throws Exception {
        Cidr v4 = Cidr.parse("203.0.113.77/24");
        Cidr v6 = Cidr.parse("2001:db8::/32");

        assertThat(v4).hasToString("203.0.113.0/24");
        assertThat(v4.contains(InetAddress.getByName("203.0.113.200"))).isTrue();
        assertThat(v4.contains(InetAddress.getByName("203.0.114.1"))).isFalse();
        assertThat(v4.contains(InetAddress.getByName("::ffff:203.0.113.5"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(v6.contains(InetAddress.getByName("203.0.113.5"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("198.51.100.1"))).isTrue();
        assertThat(Cidr.parse("198.51.100.1")).isEqualTo(Cidr.parse("198.51.100.1/32"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "localhost", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1",
            "10.0.0.0/8/8", "10.0.0.0/x", "1234", "10.0.0.256"})
    void refusesWhatIsNotAnAddressLiteralOrNetwork(String value) {
        assertThatThrownBy(() -> Cidr.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }
}
