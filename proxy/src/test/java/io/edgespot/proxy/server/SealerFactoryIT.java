package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.cache.CountingSealer;
import io.edgespot.proxy.cache.SealerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's cache seals with the sealers of the factory it is built with, at start and after a reload. */
final class SealerFactoryIT {

    @TempDir
    Path dir;

    @Test
    void storesAndHitsGoThroughTheInjectedSealer() throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate("acme").writeEncrypted(dir.resolve("acme.keyset"), kek.aead());
        List<String> asked = new CopyOnWriteArrayList<>();
        List<CountingSealer> made = new CopyOnWriteArrayList<>();
        SealerFactory counting = keys -> {
            asked.add(keys.tenant());
            CountingSealer s = new CountingSealer(SealerFactory.TENANT_KEYS.sealer(keys));
            made.add(s);
            return s;
        };
        try (TestOrigin origin = TestOrigin.http("o")) {
            String yaml = """
                    server: { eventLoops: 1, shutdownGrace: 1s }
                    listeners:
                      - { name: plain, address: "127.0.0.1:0", tls: false, http2: false }
                    admin: { enabled: false }
                    keys: { kek: "file:kek.json" }
                    tenants:
                      - name: acme
                        hosts: [ "127.0.0.1" ]
                        keyset: { file: acme.keyset }
                        cache: { maxBytes: 16MiB }
                        clusters:
                          origin: { endpoints: [ "127.0.0.1:%d" ] }
                        routes:
                          - { to: origin }
                    """.formatted(origin.port());
            try (EdgeFixture edge = new EdgeFixture(dir, yaml, counting)) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI uri = URI.create("http://127.0.0.1:" + edge.port("plain") + "/cacheable/sealed");
                HttpResponse<String> miss = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                int originHits = origin.hits.get();
                HttpResponse<String> hit = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(asked).containsExactly("acme");
                CountingSealer sealer = made.get(0);
                assertThat(hit.headers().firstValue("cache-status").orElse("")).contains("hit");
                assertThat(hit.body()).isEqualTo(miss.body());
                assertThat(origin.hits.get()).isEqualTo(originHits);
                assertThat(sealer.seals.get()).isPositive();
                assertThat(sealer.opens.get()).isPositive();

                edge.server.reload(EdgeFixture.parse(dir, yaml));
                assertThat(asked).containsExactly("acme", "acme");
            }
        }
    }
}
