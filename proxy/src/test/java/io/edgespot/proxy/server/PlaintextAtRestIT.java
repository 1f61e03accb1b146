package io.edgespot.proxy.server;

import static io.edgespot.proxy.server.ScriptedOrigin.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.testing.HeapDumpScan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No plaintext at rest, against the shipped jar as an operator runs it: edgespot in its own JVM with a real config
 * and encrypted keyset serves (and caches) a body, a response header field and a URL that carry unique markers,
 * then other traffic fills its cache. A live-object heap dump taken with {@code jcmd PID GC.heap_dump} (what the
 * provider of an untrusted site can do) must not contain any marker, in Latin-1 or UTF-16.
 *
 * <p>The positive control is a value the proxy legitimately keeps for its whole life: a request header the route
 * adds, which lives in the loaded config. Finding it proves the dump is of the right process and that the scan
 * finds what is there. The in-process counterpart, which also covers Vary-selected request values, is
 * {@code PlaintextRetentionTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PlaintextAtRestIT {

    private static final int FILL_REQUESTS = 48;
    private static final int FILL_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void heapDumpOfTheRunningProxyHoldsNoCachedPlaintext() throws Exception {
        String run = UUID.randomUUID().toString();
        Map<String, String> secrets = Map.of(
                "BODY", "BODYMARK-" + run,
                "RESPONSE-HEADER", "HEADERMARK-" + run,
                "PATH", "PATHMARK-" + run);
        String control = "CONTROLMARK-" + run;
        String body = (secrets.get("BODY") + "|").repeat(2000);

        Path jar = Path.of("target", "edgespot.jar");
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate("acme").writeEncrypted(dir.resolve("acme.keyset"), kek.aead());
        String secretPath = "/account/" + secrets.get("PATH") + "/statement";
        try (ScriptedOrigin origin = new ScriptedOrigin(uri -> uri.equals(secretPath)
                ? raw(cacheable(body, "X-Statement-Token: " + secrets.get("RESPONSE-HEADER") + "\r\n"))
                : raw(cacheable("f".repeat(FILL_BYTES), "")))) {
            Files.writeString(dir.resolve("edge.yaml"), """
                    server: { eventLoops: 1, shutdownGrace: 1s }
                    listeners:
                      - { name: plain, address: "127.0.0.1:0", tls: false, http2: false }
                    admin: { enabled: false }
                    accessLog: { enabled: false }
                    keys: { kek: "file:kek.json" }
                    tenants:
                      - name: acme
                        hosts: [ "localhost" ]
                        keyset: { file: acme.keyset }
                        cache: { maxBytes: 2MiB, maxObjectBytes: 512KiB }
                        clusters:
                          origin: { endpoints: [ "127.0.0.1:%d" ] }
                        routes:
                          - { to: origin, addHeaders: { x-edge-control: "%s" } }
                    """.formatted(origin.port(), control));
            Path dump = Path.of("target", "plaintext-at-rest-" + run + ".hprof").toAbsolutePath();
            EdgeProcess edge = EdgeProcess.start(jar, dir.resolve("edge.yaml"));
            try {
                RawConnection.Result miss = get(edge.port, secretPath);
                RawConnection.Result hit = get(edge.port, secretPath);
                assertThat(miss.responses()).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo(body));
                assertThat(hit.responses()).singleElement().satisfies(r -> {
                    assertThat(r.body()).isEqualTo(body);
                    assertThat(r.header("cache-status")).contains("hit");
                });
                for (int i = 0; i < FILL_REQUESTS; i++) {
                    RawConnection.Result fill = get(edge.port, "/fill/" + i);
                    assertThat(fill.statuses()).as("fill %d: %s", i, fill.text()).containsExactly(200);
                }
                assertThat(origin.requests.get()).isEqualTo(1 + FILL_REQUESTS);

                edge.heapDump(dump);
                Map<String, Integer> found = HeapDumpScan.count(dump, Map.of("CONTROL", control));
                assertThat(found).as("the control value the config keeps is found").containsKey("CONTROL/ISO-8859-1");
                assertThat(HeapDumpScan.count(dump, secrets))
                        .as("marker occurrences (kind/encoding) in the proxy's heap dump").isEmpty();
            } finally {
                edge.stop();
                Files.deleteIfExists(dump);
            }
        }
    }

    private static String cacheable(String body, String extraHeaders) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: public, max-age=600\r\n" + extraHeaders
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static RawConnection.Result get(int port, String path) throws IOException {
        return RawConnection.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                10_000);
    }

    /** edgespot running the shipped jar in its own JVM, with a small heap so that the dump is quick. */
    private static final class EdgeProcess {
        private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(plain");

        final Process process;
        final int port;

        private EdgeProcess(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static EdgeProcess start(Path jar, Path config) throws Exception {
            Process p = new ProcessBuilder(javaTool("java"), "-Xmx128m", "-jar", jar.toString(), "run",
                    "--config", config.toString()).redirectErrorStream(true).start();
            ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.add(line);
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException ended) {
                    // the process is gone
                }
                port.completeExceptionally(new AssertionError("edgespot ended before listening"));
            }, "edgespot-output");
            reader.setDaemon(true);
            reader.start();
            try {
                return new EdgeProcess(p, port.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                p.destroyForcibly();
                throw new AssertionError("edgespot did not start listening: " + String.join("\n", output), e);
            }
        }

        /** {@code jcmd PID GC.heap_dump -all=false FILE}: a full collection, then the live objects only. */
        void heapDump(Path file) throws Exception {
            Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(process.pid()), "GC.heap_dump",
                    "-all=false", file.toString()).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).as("jcmd finished").isTrue();
            assertThat(jcmd.exitValue()).as(out).isZero();
            assertThat(file).as(out).exists();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        private static String javaTool(String name) {
            return Path.of(System.getProperty("java.home"), "bin", name).toString();
        }
    }
}
