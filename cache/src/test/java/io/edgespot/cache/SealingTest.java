package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entries hold only sealed content bound to their key; tampering fails closed and is counted. */
final class SealingTest {
    private final CacheFixture f = new CacheFixture();

    private void store(String path, String body, String... extra) {
        String[] headers = Arrays.copyOf(new String[] {"cache-control", "max-age=60"}, 2 + extra.length);
        System.arraycopy(extra, 0, headers, 2, extra.length);
        f.fill(get(path), 200, f.response(headers), body);
    }

    private Digest key(String path) {
        return f.store().keyDigest(PrimaryKey.of(get(path), QueryMode.KEEP).encode());
    }

    private void replaceVariant(String path, java.util.function.UnaryOperator<StoredVariant> change) {
        f.store().asMap().computeIfPresent(key(path), (k, group) -> group.map(change));
    }

    @Test
    void nothingReadableIsHeldInMemory() {
        f.fill(get("/private/path-secret?q=query-secret", "accept-language", "lang-secret"), 200,
                f.response("cache-control", "max-age=60", "vary", "accept-language", "x-token", "header-secret",
                        "surrogate-key", "tag-secret other", "etag", "\"etag-secret\""), "body-secret");
        List<byte[]> clear = new ArrayList<>();
        for (Map.Entry<Digest, VariantGroup> entry : f.store().asMap().entrySet()) {
            clear.add(entry.getKey().bytes());
            clear.add(entry.getValue().sealedLocator());
            for (StoredVariant variant : entry.getValue().variants()) {
                clear.add(variant.sealedHead());
                clear.addAll(variant.sealedSegments());
                clear.add(variant.selector().bytes());
                variant.tags().forEach(tag -> clear.add(tag.bytes()));
                clear.add(variant.toString().getBytes(StandardCharsets.UTF_8));
                assertThat(variant.varyNames()).containsExactly("accept-language");
            }
        }
        for (String secret : List.of("path-secret", "query-secret", "lang-secret", "header-secret", "tag-secret",
                "etag-secret", "body-secret", "acme.example")) {
            for (byte[] bytes : clear) {
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
            }
        }
        assertThat(f.cache.purgeTag(CacheFixture.TENANT, "tag-secret", PurgeMode.HARD)).isEqualTo(1);
    }

    @Test
    void ciphertextMovedToAnotherKeyFailsAndIsDropped() {
        store("/a", "A");
        store("/b", "B");
        byte[] headOfB = f.store().get(key("/b")).variants().get(0).sealedHead();
        replaceVariant("/a", v -> new StoredVariant(v.status(), v.freshness(), v.hasValidators(), false,
                v.varyNames(), v.selector(), v.tags(), v.bodyLength(), headOfB, v.sealedSegments()));
        LookupResult result = f.cache.lookup(get("/a"));
        assertThat(result).isInstanceOf(LookupResult.Miss.class);
        assertThat(f.listener.count("decryptFailed", CacheFixture.TENANT)).isEqualTo(1);
        assertThat(f.store().get(key("/a"))).isNull();
        assertThat(f.cache.stats(CacheFixture.TENANT).orElseThrow().decryptFailures()).isEqualTo(1);
    }

    @Test
    void groupMovedToAnotherKeyIsNeverServed() {
        store("/a", "A");
        store("/b", "B");
        f.store().asMap().put(key("/a"), f.store().get(key("/b")));
        assertThat(f.cache.lookup(get("/a"))).isNotInstanceOf(LookupResult.Hit.class);
        // /b's head is sealed under /b's full key: opened for /a it fails, is counted and dropped
        assertThat(f.listener.count("decryptFailed", CacheFixture.TENANT)).isEqualTo(1);
        assertThat(f.store().get(key("/a"))).isNull();
    }

    @Test
    void truncatedCiphertextFailsAndIsDropped() {
        store("/a", "A");
        replaceVariant("/a", v -> new StoredVariant(v.status(), v.freshness(), v.hasValidators(), false,
                v.varyNames(), v.selector(), v.tags(), v.bodyLength(),
                Arrays.copyOf(v.sealedHead(), v.sealedHead().length - 3), v.sealedSegments()));
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Miss.class);
        assertThat(f.listener.count("decryptFailed", CacheFixture.TENANT)).isEqualTo(1);
        assertThat(f.store().asMap()).isEmpty();
    }

    @Test
    void wrongKeysetFailsClosed() {
        store("/a", "A");
        f.cache.registerTenant(CacheFixture.TENANT, TenantSettings.defaults(), f.sealer.withOtherAeadKey());
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Miss.class);
        assertThat(f.listener.count("decryptFailed", CacheFixture.TENANT)).isEqualTo(1);
    }

    @Test
    void otherTenantsSealerCannotOpenEntries() {
        store("/a", "A");
        AesGcmSealer betaSealer = AesGcmSealer.random();
        f.cache.registerTenant("beta", TenantSettings.defaults(), betaSealer);
        CacheRequest betaRequest = CacheRequest.get("beta", "https", CacheFixture.HOST, "/a");
        byte[] betaKey = PrimaryKey.of(betaRequest, QueryMode.KEEP).encode();
        Digest betaSelector = EntryCodec.selectorDigest(betaSealer, VaryKey.of(betaKey, List.of(),
                HttpFields.empty()));
        VariantGroup stolen = f.store().get(key("/a")).map(v -> new StoredVariant(v.status(), v.freshness(),
                v.hasValidators(), false, v.varyNames(), betaSelector, v.tags(), v.bodyLength(), v.sealedHead(),
                v.sealedSegments()));
        TenantStore beta = ((DefaultHttpCache) f.cache).store("beta");
        beta.asMap().put(beta.keyDigest(betaKey), stolen);
        assertThat(f.cache.lookup(betaRequest)).isInstanceOf(LookupResult.Miss.class);
        assertThat(f.listener.count("decryptFailed", "beta")).isEqualTo(1);
    }

    @Test
    void droppedOrReorderedSegmentsFailWhileStreaming() {
        CacheFixture big = new CacheFixture(TenantSettings.defaults(), 1024);
        byte[] body = new byte[4096];
        Arrays.fill(body, (byte) 'x');
        big.respond(CacheFixture.exchange(big.cache.lookup(get("/big"))), 200,
                big.response("cache-control", "max-age=60"), body);
        Digest key = big.store().keyDigest(PrimaryKey.of(get("/big"), QueryMode.KEEP).encode());
        big.store().asMap().computeIfPresent(key, (k, g) -> g.map(v -> new StoredVariant(v.status(),
                v.freshness(), v.hasValidators(), false, v.varyNames(), v.selector(), v.tags(), v.bodyLength(),
                v.sealedHead(), v.sealedSegments().subList(0, v.sealedSegments().size() - 1))));
        LookupResult.Hit hit = CacheFixture.hit(big.cache.lookup(get("/big")));
        assertThat(hit.body().segmentCount()).isEqualTo(3);
        assertThat(CacheFixture.segment(hit.body(), 0)).hasSize(1024);
        assertThat(CacheFixture.segment(hit.body(), 1)).hasSize(1024);
        assertThatThrownBy(() -> CacheFixture.segment(hit.body(), 2))
                .as("the segment sealed as not the last cannot end the body")
                .isInstanceOf(CacheIntegrityException.class);
        assertThat(big.listener.count("decryptFailed", CacheFixture.TENANT)).isEqualTo(1);
        assertThat(big.store().asMap()).isEmpty();
    }

    @Test
    void removeTenantDropsEverythingAndReleasesWaiters() {
        store("/a", "A");
        store("/b", "B");
        LookupResult leader = f.cache.lookup(get("/c"));
        LookupResult.Coalesced waiter = (LookupResult.Coalesced) f.cache.lookup(get("/c"));
        TenantStore removed = f.store();
        assertThat(f.cache.removeTenant(CacheFixture.TENANT)).isTrue();
        assertThat(removed.asMap()).isEmpty();
        assertThat(waiter.result().join()).isInstanceOf(LookupResult.Bypass.class);
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Bypass.class);
        assertThat(f.cache.stats(CacheFixture.TENANT)).isEmpty();
        ResponseDecision late = f.cache.onResponse(CacheFixture.exchange(leader), 200,
                f.response("cache-control", "max-age=60"));
        BodyCollector collector = ((ResponseDecision.Store) late).collector();
        collector.append(new byte[] {1});
        assertThat(collector.complete()).as("a removed tenant receives no entry").isFalse();
        assertThat(f.cache.removeTenant(CacheFixture.TENANT)).isFalse();
    }
}
