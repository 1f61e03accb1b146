package io.edgespot.proxy.demo;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.crypto.tls.IssuedCertificate;
import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.VerifiedFileChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Generates everything {@code edgespot demo} needs in a fresh directory, and the validated config that uses it.
 *
 * <p>{@link #generate} writes, in {@code dir}:
 * <ul>
 *   <li>{@code demo.crt} / {@code demo.key}: a self-signed ECDSA P-256 certificate for {@code localhost} and
 *       {@code 127.0.0.1} (IP SAN), valid for a year; the key file has mode 0600;</li>
 *   <li>{@code kek.json}: a fresh <b>development</b> key-encryption key (cleartext Tink keyset, mode 0600);</li>
 *   <li>{@code demo.keyset.json}: fresh keys for tenant {@code demo}, encrypted under that KEK (mode 0600);</li>
 *   <li>{@code edge.yaml}: the config, with paths relative to {@code dir}, so that it can be read and reused
 *       with {@code edgespot run --config dir/edge.yaml}.</li>
 * </ul>
 * The config is then loaded through {@link ConfigLoader} with {@link VerifiedFileChecks}, exactly as
 * {@code edgespot check} and {@code edgespot run} load a user's file. Nothing here prints or logs, and no
 * secret leaves the files: {@link #toString()} and the config name paths only.
 *
 * @param directory  the directory holding the files
 * @param configFile {@code edge.yaml}
 * @param certFile   the PEM certificate
 * @param keyFile    the PEM private key of the certificate
 * @param kekFile    the development KEK
 * @param keysetFile the encrypted keyset of tenant {@code demo}
 * @param config     the validated config loaded from {@code configFile}
 */
public record DemoSetup(Path directory, Path configFile, Path certFile, Path keyFile, Path kekFile,
                        Path keysetFile, EdgeConfig config) {

    /** The demo's tenant. */
    public static final String TENANT = "demo";
    /** Default TLS listener port. */
    public static final int DEFAULT_PORT = 8443;
    /** Default admin listener port. */
    public static final int DEFAULT_ADMIN_PORT = 9901;

    static final String CONFIG = "edge.yaml";
    static final String CERT = "demo.crt";
    static final String KEY = "demo.key";
    static final String KEK = "kek.json";
    static final String KEYSET = "demo.keyset.json";

    public DemoSetup {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(kekFile, "kekFile");
        Objects.requireNonNull(keysetFile, "keysetFile");
        Objects.requireNonNull(config, "config");
    }

    /**
     * Writes the demo's certificate, keys and config into {@code dir} and loads the config.
     *
     * <p>Port 0 asks the operating system for a free port when the listener binds. Note that the config loader
     * treats two addresses with port 0 as the same address, so {@code port} and {@code adminPort} cannot both
     * be 0 (it reports {@code admin.address: a listener already uses 127.0.0.1:0}).
     *
     * @param dir        a directory that does not yet hold any of the demo's files; created if missing
     * @param port       port of the TLS listener on 127.0.0.1 ({@link #DEFAULT_PORT}; 0 for any)
     * @param adminPort  port of the admin listener on 127.0.0.1 ({@link #DEFAULT_ADMIN_PORT}; 0 for any)
     * @param originPort port of the {@link DemoOrigin} on 127.0.0.1
     * @return the files and the validated config
     * @throws FileAlreadyExistsException if {@code dir} already holds one of the files (a KEK is never
     *     overwritten)
     * @throws IOException if a file cannot be written
     * @throws ConfigException if the config does not validate, for instance with equal ports
     * @throws IllegalArgumentException if a port is outside 0..65535, or {@code originPort} is 0
     */
    public static DemoSetup generate(Path dir, int port, int adminPort, int originPort)
            throws IOException, ConfigException {
        checkPort("port", port);
        checkPort("adminPort", adminPort);
        checkPort("originPort", originPort);
        if (originPort == 0) {
            throw new IllegalArgumentException("originPort must be the port the demo origin is bound to, not 0");
        }
        Path directory = dir.toAbsolutePath();
        Files.createDirectories(directory);
        Path configFile = directory.resolve(CONFIG);
        Path certFile = directory.resolve(CERT);
        Path keyFile = directory.resolve(KEY);
        Path kekFile = directory.resolve(KEK);
        Path keysetFile = directory.resolve(KEYSET);
        for (Path p : List.of(configFile, certFile, keyFile, kekFile, keysetFile)) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p.toString(), null,
                        "the demo needs a fresh directory; refusing to overwrite");
            }
        }

        IssuedCertificate.selfSigned(List.of("localhost", "127.0.0.1")).writePem(certFile, keyFile);
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(kekFile);
        TenantKeys.generate(TENANT).writeEncrypted(keysetFile, kek.aead());
        Files.writeString(configFile, yaml(port, adminPort, originPort), StandardCharsets.UTF_8);

        EdgeConfig config = new ConfigLoader(new VerifiedFileChecks()).load(configFile);
        return new DemoSetup(directory, configFile, certFile, keyFile, kekFile, keysetFile, config);
    }

    /**
     * The demo's config text. Paths in it are relative to the directory the file is written to.
     *
     * @param port       TLS listener port
     * @param adminPort  admin listener port
     * @param originPort the demo origin's port
     * @return YAML accepted by {@link ConfigLoader}
     */
    public static String yaml(int port, int adminPort, int originPort) {
        return """
                # edgespot demo config, written by 'edgespot demo'. Paths are relative to this file.
                # Check it with 'edgespot check edge.yaml'; reuse it with 'edgespot run --config edge.yaml'
                # while an origin listens on 127.0.0.1:%3$d (the demo's own origin stops with the demo).
                # kek.json is a DEVELOPMENT key-encryption key stored in clear: never use one in production.
                listeners:
                  - { name: public, address: "127.0.0.1:%1$d", tls: true, http2: true }
                admin:
                  address: "127.0.0.1:%2$d"
                keys:
                  kek: file:%4$s
                tenants:
                  - name: %5$s
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: %6$s, key: %7$s }
                    keyset: { file: %8$s }
                    cache: { enabled: true, maxBytes: 64MiB, maxObjectBytes: 8MiB }
                    webSockets: { max: 1000, idleTimeout: 5m }
                    clusters:
                      origin:
                        endpoints: [ "127.0.0.1:%3$d" ]
                        healthCheck: { path: /healthz, interval: 5s }
                    routes:
                      - { match: { pathPrefix: /ws }, to: origin, webSocket: true }
                      - { match: { pathPrefix: /api }, to: origin, cache: false }
                      - { match: { pathPrefix: / }, to: origin }
                """.formatted(port, adminPort, originPort, KEK, TENANT, CERT, KEY, KEYSET);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
        }
    }
}
