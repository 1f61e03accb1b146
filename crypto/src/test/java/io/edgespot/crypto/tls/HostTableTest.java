package io.edgespot.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class HostTableTest {

    @Test
    void exactBeatsWildcardAndWildcardCoversOneLabel() {
        HostTable<String> table = new HostTable.Builder<String>()
                .add("tenant a", List.of("*.acme.example"), "wild")
                .add("tenant b", List.of("pay.acme.example"), "exact")
                .build();

        assertThat(table.lookup("pay.acme.example")).isEqualTo("exact");
        assertThat(table.lookup("PAY.Acme.Example.")).isEqualTo("exact");
        assertThat(table.lookup("shop.acme.example")).isEqualTo("wild");
        assertThat(table.lookup("a.b.acme.example")).isNull();
        assertThat(table.lookup("acme.example")).isNull();
        assertThat(table.lookup(null)).isNull();
    }

    @Test
    void fallbackAnswersUnknownAndAbsentNames() {
        HostTable<String> table = new HostTable.Builder<String>()
                .add("tenant a", List.of("a.example"), "a")
                .fallback("default")
                .build();

        assertThat(table.lookup("b.example")).isEqualTo("default");
        assertThat(table.lookup(null)).isEqualTo("default");
        assertThat(table.lookup("")).isEqualTo("default");
    }

    @Test
    void hostClaimedTwiceIsRefused() {
        HostTable.Builder<String> builder = new HostTable.Builder<String>().add("tenant a", List.of("x.example"), "a");

        assertThatThrownBy(() -> builder.add("tenant b", List.of("x.example"), "b"))
                .hasMessage("host 'x.example' is claimed by both tenant a and tenant b");
    }

    @Test
    void patternsAreNormalizedOrRefused() {
        assertThat(HostTable.normalizePattern("Shop.ACME.example.")).isEqualTo("shop.acme.example");
        assertThat(HostTable.normalizePattern("*.Acme.Example")).isEqualTo("*.acme.example");
        assertThat(HostTable.normalizePattern("*.example")).isNull();
        assertThat(HostTable.normalizePattern("*foo.example")).isNull();
        assertThat(HostTable.normalizePattern("a.*.example")).isNull();
        assertThat(HostTable.normalizePattern("bad host.example")).isNull();
        assertThat(HostTable.normalizePattern("-bad.example")).isNull();
        assertThat(HostTable.normalizePattern("")).isNull();
    }

    @Test
    void tenantCertificateNamesTheBadHost() {
        assertThatThrownBy(() -> new TenantCertificate("acme", List.of("ok.example", "*bad.example"),
                java.nio.file.Path.of("a.crt"), java.nio.file.Path.of("a.key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hosts[1]: '*bad.example' is not a host name or a '*.' wildcard over one label");
    }
}
