package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.LookupResult;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.cache.TenantSettings;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.testing.HeapDumpScan;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat model check: the site operator may dump the proxy's heap. Once a request is done, a heap dump must hold
 * no plaintext of what it stored or served: not the body, not header values, not the URL, not the request values
 * that Vary selected.
 *
 * <p>The markers are assembled at run time from pieces, so no class constant pool holds them, and are rebuilt
 * only after each dump to search for them. A first dump, taken while a {@code Hit} (its opened headers) and a copy
 * of the body are still referenced, proves that the search finds plaintext where it exists. A large body is
 * opened straight into pooled direct buffers, so it is never on the heap.
 *
 * <p>The dump is of live objects ({@code dumpHeap(file, true)} runs a full GC first), which is what a heap-dump
 * tool gives an operator. Outside what it sees: garbage not yet collected, and Netty's pooled direct memory,
 * which keeps the bytes of released upstream chunks and served segments until it reuses them (a core dump would
 * show those).
 */
final class PlaintextRetentionTest {
    private static final String VARY_HEADER = "x-edgespot-user";
    private static final String RESPONSE_HEADER = "x-edgespot-token";
    private static final int BODY_BYTES = 64 * 1024 + 4321;

    @TempDir
    Path dir;

    @Test
    void heapDumpHoldsNoPlaintextOnceTheRequestIsDone() throws Exception {
        HttpCache cache = HttpCache.builder().executor(Runnable::run).build();
        cache.registerTenant("acme", TenantSettings.defaults(), TenantEntrySealer.of(TenantKeys.generate("acme")));
        storeThroughNetty(cache);

        LookupResult.Hit held = serveThroughNetty(cache);
        byte[] heldBody = body(); // the body never reaches the heap now; a copy held here is the control
        Map<String, Integer> whileHeld = scan(dump("held"));
        assertThat(whileHeld).as("search finds plaintext that a live Hit and a live array hold")
                .containsKeys("BODY/ISO-8859-1", "RESPONSE-HEADER/ISO-8859-1", "REQUEST-HEADER/ISO-8859-1");
        Reference.reachabilityFence(held);
        Arrays.fill(heldBody, (byte) 0);
        held = null;

        Map<String, Integer> afterwards = scan(dump("done"));
        assertThat(afterwards).as("marker occurrences (kind/encoding) in a heap dump after the request").isEmpty();
        // The entry is still stored (sealed): the cache was live during the dump and still serves it.
        assertThat(cache.lookup(request())).isInstanceOf(LookupResult.Hit.class);
        Reference.reachabilityFence(cache);
    }

    /** lookup, Miss, onResponse, Store, upstream chunks from Netty's default allocator through CacheBodies. */
    private static void storeThroughNetty(HttpCache cache) {
        LookupResult miss = cache.lookup(request());
        assertThat(miss).isInstanceOf(LookupResult.Miss.class);
        HttpResponse origin = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        origin.headers().add("Cache-Control", "max-age=600").add("Content-Length", BODY_BYTES)
                .add("Vary", VARY_HEADER).add(RESPONSE_HEADER, marker("RESPONSE-HEADER"));
        ResponseDecision decision = cache.onResponse(((LookupResult.Miss) miss).exchange(), 200,
                NettyFields.from(origin.headers()));
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        byte[] body = body();
        try {
            for (int offset = 0; offset < body.length; offset += 16 * 1024) {
                // The allocator the proxy gets by default; were it to pool heap buffers, their arenas (live
                // byte arrays) would keep released plaintext and this test would fail.
                ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer()
                        .writeBytes(body, offset, Math.min(16 * 1024, body.length - offset));
                try {
                    assertThat(CacheBodies.append(collector, chunk)).isTrue();
                } finally {
                    chunk.release();
                }
            }
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        assertThat(collector.complete()).isTrue();
    }

    /** Serves a hit through CacheBodies into a channel, checks it and releases everything written. */
    private static LookupResult.Hit serveThroughNetty(HttpCache cache) {
        LookupResult result = cache.lookup(request());
        assertThat(result).isInstanceOf(LookupResult.Hit.class);
        LookupResult.Hit hit = (LookupResult.Hit) result;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(hit.status()));
        NettyFields.copyInto(hit.headers(), response.headers());
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.write(response);
        for (int i = 0; i < hit.body().segmentCount(); i++) {
            channel.write(new DefaultHttpContent(CacheBodies.openSegment(hit.body(), i, channel.alloc())));
        }
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).syncUninterruptibly();
        byte[] served = new byte[BODY_BYTES];
        int length = 0;
        for (Object message; (message = channel.readOutbound()) != null; ) {
            if (message instanceof HttpContent content) {
                int n = content.content().readableBytes();
                content.content().readBytes(served, length, n);
                length += n;
            }
            ReferenceCountUtil.release(message);
        }
        byte[] expected = body();
        assertThat(length).isEqualTo(BODY_BYTES);
        boolean same = Arrays.equals(served, expected);
        Arrays.fill(served, (byte) 0);
        Arrays.fill(expected, (byte) 0);
        assertThat(same).as("served body equals the stored body").isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return hit;
    }

    private static CacheRequest request() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/account/" + marker("PATH") + "/statement.pdf");
        request.headers().add("Host", "shop.acme.test").add(VARY_HEADER, marker("REQUEST-HEADER"));
        return NettyFields.request(request, "acme", "https", "shop.acme.test");
    }

    /** Returns the marker of one kind, built from pieces so that it exists only while a test uses it. */
    private static String marker(String kind) {
        return String.join("-", prefixPieces()) + "-" + kind + "-" + String.join("", "MAR", "KER");
    }

    private static String[] prefixPieces() {
        return new String[] {"EDGE" + "SPOT".toLowerCase().toUpperCase(), "SEC" + "RET"};
    }

    /** A body of repeated numbered body markers, 64 KiB plus a partial segment. */
    private static byte[] body() {
        byte[] body = new byte[BODY_BYTES];
        byte[] line = new byte[0];
        for (int offset = 0, n = 0; offset < body.length; offset += line.length, n++) {
            line = (marker("BODY") + "-" + n + "|").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(line, 0, body, offset, Math.min(line.length, body.length - offset));
        }
        Arrays.fill(line, (byte) 0);
        return body;
    }

    private Path dump(String name) throws IOException {
        Path file = dir.resolve(name + ".hprof");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
        return file;
    }

    /** Counts marker occurrences in a dump, keyed {@code KIND/encoding}. */
    private static Map<String, Integer> scan(Path dump) throws IOException {
        String prefix = String.join("-", prefixPieces()) + "-";
        Map<String, String> markers = new TreeMap<>();
        for (String kind : List.of("BODY", "RESPONSE-HEADER", "REQUEST-HEADER", "PATH")) {
            markers.put(kind, prefix + kind + "-");
        }
        return HeapDumpScan.count(dump, markers);
    }
}
