package io.edgespot.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

final class HostMapTest {

    private final HostMap<String> map = HostMap.of(Map.of(
            "shop.acme.example", "acme", "*.acme.example", "acme-wild", "*.eu.acme.example", "acme-eu"));

    @Test
    void exactBeatsWildcardAndLongestWildcardWins() {
        assertThat(map.get("SHOP.acme.example")).isEqualTo("acme");
        assertThat(map.get("api.acme.example")).isEqualTo("acme-wild");
        assertThat(map.get("a.eu.acme.example")).isEqualTo("acme-eu");
        assertThat(map.get("shop.acme.example.")).isEqualTo("acme");
    }

    @Test
    void wildcardDoesNotMatchTheBareDomainOrOthers() {
        assertThat(map.get("acme.example")).isNull();
        assertThat(map.get("evilacme.example")).isNull();
        assertThat(map.get(null)).isNull();
    }

    @Test
    void hostOfStripsPortsAndHandlesIpv6() {
        assertThat(HostMap.hostOf("shop.acme.example:8443")).isEqualTo("shop.acme.example");
        assertThat(HostMap.hostOf("[::1]:8443")).isEqualTo("::1");
        assertThat(HostMap.hostOf("[::1")).isNull();
    }
}
