package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ArgsTest {

    private static final String URL = "http://127.0.0.1:8080/";

    @Test
    void defaults() {
        Args a = Args.parse("http", "--url", URL);
        assertThat(a.scenario()).isEqualTo("http");
        assertThat(a.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.connections()).isEqualTo(64);
        assertThat(a.requests()).isEqualTo(Long.MAX_VALUE);
        assertThat(a.openLoop()).isFalse();
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.warmup()).isZero();
        assertThat(a.method()).isEqualTo("GET");
        assertThat(a.target().port()).isEqualTo(8080);
        assertThat(a.target().pathAndQuery()).isEqualTo("/");
    }

    @Test
    void parsesEveryFlag() {
        Args a = Args.parse("cache-mix", "--url", "https://localhost:8443/item/?a=b", "--duration", "2m",
            "--requests", "10", "--connections", "20000", "--rate", "250.5", "--http2", "--streams", "4",
            "--insecure", "--json", "--quiet", "--warmup", "250ms", "--threads", "2", "--timeout", "1s",
            "--method", "post", "--header", "X-A: 1", "--header", "X-B:2", "--body-size", "10", "--keys", "5",
            "--zipf-s", "0.8", "--seed", "9");
        assertThat(a.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.warmup()).isEqualTo(Duration.ofMillis(250));
        assertThat(a.requests()).isEqualTo(10);
        assertThat(a.connections()).isEqualTo(20_000);
        assertThat(a.rate()).isEqualTo(250.5);
        assertThat(a.http2() && a.insecure() && a.json() && a.quiet()).isTrue();
        assertThat(a.method()).isEqualTo("POST");
        assertThat(a.headers()).containsExactly(Map.entry("X-A", "1"), Map.entry("X-B", "2"));
        assertThat(a.target().tls()).isTrue();
        assertThat(a.target().pathAndQuery()).isEqualTo("/item/?a=b");
        assertThat(a.keys()).isEqualTo(5);
        assertThat(a.zipfS()).isEqualTo(0.8);
        assertThat(a.seed()).isEqualTo(9);
    }

    @Test
    void durationsAcceptMillisecondsSecondsAndMinutes() {
        assertThat(Durations.parse("--d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("--d", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    }

    @Test
    void badDurationIsRejected() {
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--duration", "10x"))
            .isInstanceOf(ArgsException.class).hasMessageContaining("bad duration '10x' for --duration");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--duration", "0s"))
            .hasMessageContaining("--duration must be greater than zero");
    }

    @Test
    void unknownFlagIsRejected() {
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--bogus"))
            .isInstanceOf(ArgsException.class).hasMessage("unknown flag --bogus (see --help)");
    }

    @Test
    void missingUrlAndMissingValuesAreRejected() {
        assertThatThrownBy(() -> Args.parse("http")).hasMessage("missing --url");
        assertThatThrownBy(() -> Args.parse("http", "--url")).hasMessage("--url needs a value");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--rate", "--json"))
            .hasMessage("--rate needs a value");
    }

    @Test
    void scenarioMustBeKnown() {
        assertThatThrownBy(() -> Args.parse("--url", URL)).hasMessageContaining("missing SCENARIO");
        assertThatThrownBy(() -> Args.parse("nope", "--url", URL)).hasMessageContaining("unknown scenario 'nope'");
    }

    @Test
    void connectionsAreCappedAtTheOpenFileLimit() {
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--connections", "20001"))
            .hasMessageContaining("--connections 20001 is more than 20000")
            .hasMessageContaining("20,000 open files");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--connections", "0"))
            .hasMessageContaining("at least 1");
    }

    @Test
    void nonLoopbackTargetsNeedAllowRemote() {
        assertThatThrownBy(() -> Args.parse("http", "--url", "http://example.com/"))
            .hasMessageContaining("refusing non-loopback target example.com");
        assertThatThrownBy(() -> Args.parse("http", "--url", "http://10.0.0.1/"))
            .hasMessageContaining("refusing non-loopback target");
        assertThatThrownBy(() -> Args.parse("http", "--url", "http://127.example.com/"))
            .hasMessageContaining("refusing");
        assertThat(Args.parse("http", "--url", "http://127.1.2.3:1/").target().isLoopback()).isTrue();
        assertThat(Args.parse("http", "--url", "http://[::1]:1/").target().host()).isEqualTo("::1");
        assertThat(Args.parse("http", "--url", "http://LOCALHOST:1/").target().isLoopback()).isTrue();
        assertThat(Args.parse("http", "--url", "http://10.0.0.1/", "--allow-remote").target().host())
            .isEqualTo("10.0.0.1");
    }

    @Test
    void schemeMustFitTheScenario() {
        assertThatThrownBy(() -> Args.parse("ws-storm", "--url", URL)).hasMessageContaining("needs a ws:// or wss://");
        assertThatThrownBy(() -> Args.parse("http", "--url", "ws://127.0.0.1/")).hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> Args.parse("handshake", "--url", URL)).hasMessageContaining("https://");
        assertThatThrownBy(() -> Args.parse("http", "--url", "ftp://127.0.0.1/")).hasMessageContaining("scheme");
    }

    @Test
    void badNumbersAndHeadersAreRejected() {
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--requests", "ten"))
            .hasMessage("bad number 'ten' for --requests");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--rate", "-5"))
            .hasMessageContaining("--rate must be greater than zero");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--header", "novalue"))
            .hasMessageContaining("use Name:value");
        assertThatThrownBy(() -> Args.parse("http", "--url", URL, "--zipf-s", "x"))
            .hasMessageContaining("--zipf-s");
    }

    @Test
    void helpNeedsNothingElse() {
        assertThat(Args.parse("--help").help()).isTrue();
    }
}
