package io.edgespot.crypto.tls;

import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downstream (consumer-facing) TLS for one listener: a Conscrypt {@link SslContext} per tenant certificate,
 * chosen by SNI, with certificate reload while running.
 *
 * <p>Every context offers TLS 1.3 and 1.2 only, ECDHE with AES-GCM or ChaCha20-Poly1305 for 1.2, and ALPN
 * {@code h2} then {@code http/1.1} ({@code http/1.1} only when {@link Builder#http2(boolean)} is off). SNI
 * selection tries exact host names, then {@code *.} wildcards, then the default certificate; names are
 * compared case-insensitively. Without a default, a ClientHello naming an unknown host (or none) is answered
 * with a TLS {@code unrecognized_name} alert, the connection is closed, and the {@code onUnknownSni} callback
 * runs.
 *
 * <p>Usage in a channel initializer: {@code pipeline.addLast(serverTls.newSniHandler())}. The handler replaces
 * itself with the tenant's {@code SslHandler} and fires a {@link io.netty.handler.ssl.SniCompletionEvent}
 * carrying the requested name; pass that name to {@link #tenantFor(String)} and require the same tenant for the
 * {@code Host} header of every request on the connection.
 *
 * <p><b>Session resumption.</b> Each tenant context keeps a bounded server-side session cache
 * ({@link Builder#sessionCacheSize(int)}, {@link Builder#sessionTimeout(Duration)}) for TLS 1.2 session IDs,
 * and issues session tickets (TLS 1.2 tickets and TLS 1.3 PSK tickets; BoringSSL resumes TLS 1.3 only through
 * tickets). <b>Ticket keys cannot be set or rotated by edgespot</b>: Conscrypt (up to 2.9) has no API or JNI
 * binding for BoringSSL's {@code SSL_CTX_set_tlsext_ticket_keys} or its ticket-key callback, and Netty only
 * offers ticket keys for its tcnative OpenSSL engine. What BoringSSL does instead, per context: it generates a
 * random ticket key in memory on first use, replaces it every 48 hours ({@code
 * SSL_DEFAULT_TICKET_KEY_ROTATION_INTERVAL}) and keeps accepting the previous key for one more interval. The
 * keys never leave process memory, so tickets are not shared between edgespot instances or across restarts,
 * and a tenant whose certificate is reloaded gets a new context, so its earlier tickets and cached sessions
 * are no longer accepted (clients simply do a full handshake).
 *
 * <p>Thread-safety: lookups are lock-free reads of an immutable snapshot; {@link #reloadIfChanged()} may be
 * called from any thread, calls are serialized, and each swaps the snapshot atomically.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final List<String> PAIR_ROLES = List.of("certificate file", "key file");

    private final List<TenantCertificate> specs;
    private final boolean hasDefault;
    private final boolean http2;
    private final Path clientCaFile;
    private final ConscryptContexts.Sessions sessions;
    private final Runnable onUnknownSni;
    private final long handshakeTimeoutMillis;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AsyncMapping<String, SslContext> mapping = this::map;

    /** Guards reloads and {@link #failures}; lookups never take it. */
    private final Object reloadLock = new Object();
    /** Per entry index (-1 for the client CA file): what last failed, so that it is reported once. */
    private final Map<Integer, String> failures = new HashMap<>();

    /** One certificate in service: what was configured, the context built from it, and the files read. */
    private record Entry(TenantCertificate spec, SslContext context, WatchedFiles files) {
    }

    /** Everything a lookup needs, replaced as a whole on reload. */
    private record Snapshot(List<Entry> entries, TrustManager clientTrust, WatchedFiles clientCa,
            HostTable<Entry> table) {
    }

    private ServerTls(Builder builder) throws TlsMaterialException {
        List<TenantCertificate> all = new ArrayList<>(builder.certificates);
        if (builder.defaultCertificate != null) {
            all.add(builder.defaultCertificate);
        }
        this.specs = List.copyOf(all);
        this.hasDefault = builder.defaultCertificate != null;
        this.http2 = builder.http2;
        this.clientCaFile = builder.clientCaFile;
        this.sessions = new ConscryptContexts.Sessions(builder.sessionCacheSize,
                TlsDefaults.sessionTimeoutSeconds(builder.sessionTimeout), builder.sessionTickets);
        this.onUnknownSni = builder.onUnknownSni;
        this.handshakeTimeoutMillis = builder.handshakeTimeout.toMillis();

        WatchedFiles clientCa = null;
        TrustManager clientTrust = null;
        if (clientCaFile != null) {
            clientCa = WatchedFiles.read(List.of(clientCaFile), List.of("client CA file"));
            clientTrust = clientTrust(clientCa);
        }
        List<Entry> entries = new ArrayList<>(specs.size());
        for (TenantCertificate spec : specs) {
            try {
                WatchedFiles files = WatchedFiles.read(List.of(spec.certFile(), spec.keyFile()), PAIR_ROLES);
                entries.add(newEntry(spec, files, clientTrust));
            } catch (TlsMaterialException e) {
                throw new TlsMaterialException("tenant " + spec.tenant() + ": " + e.getMessage(), e);
            }
        }
        snapshot.set(newSnapshot(entries, clientTrust, clientCa));
    }

    /**
     * Starts a builder.
     *
     * @return a builder with ALPN h2 on, tickets on, no client certificates and no default certificate
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the handler to put first in a downstream TLS pipeline; one per channel.
     *
     * <p>It waits for the ClientHello (at most the builder's handshake timeout), picks the tenant's context by
     * SNI and replaces itself with that context's {@code SslHandler}. For an unknown name without a default
     * certificate it sends an {@code unrecognized_name} alert, closes the channel, runs {@code onUnknownSni} and
     * fires an exception down the pipeline.
     *
     * @return a new SNI handler bound to this listener's live certificate set
     */
    public SniHandler newSniHandler() {
        return new TenantSniHandler(mapping, this::contextFor, this::unknownSni, handshakeTimeoutMillis);
    }

    /**
     * Returns the SNI mapping for a {@link SniHandler} the caller builds itself. It follows reloads. An
     * unknown name without a default fails the lookup with an {@link SSLHandshakeException} and runs
     * {@code onUnknownSni}; Netty then fires the failure down the pipeline, and the caller must close the
     * channel (prefer {@link #newSniHandler()}, which does so after sending an alert).
     *
     * @return a mapping from requested host name (or {@code null}) to context
     */
    public AsyncMapping<String, SslContext> sniMapping() {
        return mapping;
    }

    /**
     * Returns the context that a ClientHello for this host would get, including the default.
     *
     * @param sniHost the requested server name in any case, or {@code null} for a ClientHello without SNI
     * @return the context, or empty if the handshake would be refused
     */
    public Optional<SslContext> contextFor(String sniHost) {
        Entry entry = snapshot.get().table().lookup(sniHost);
        return entry == null ? Optional.empty() : Optional.of(entry.context());
    }

    /**
     * Returns the tenant whose certificate a ClientHello for this host gets, so that the proxy can require
     * that the {@code Host} header belongs to the same tenant.
     *
     * @param sniHost the requested server name in any case, or {@code null} for a ClientHello without SNI
     * @return the tenant name, the default certificate's tenant for unknown names, or empty if refused
     */
    public Optional<String> tenantFor(String sniHost) {
        Entry entry = snapshot.get().table().lookup(sniHost);
        return entry == null ? Optional.empty() : Optional.of(entry.spec().tenant());
    }

    /**
     * Re-reads every certificate, key and client CA file that changed since it was last loaded, and swaps in
     * new contexts for the ones that load cleanly; new connections use them at once, open connections are
     * untouched. A file set that cannot be used (missing, unparseable, key not matching) keeps its previous
     * context and is reported in {@link ReloadResult#errors()} once per distinct bad content.
     *
     * <p>Cost when nothing changed: one {@code stat} per file.
     *
     * @return what was reloaded and what failed
     */
    public ReloadResult reloadIfChanged() {
        synchronized (reloadLock) {
            Snapshot current = snapshot.get();
            List<String> reloaded = new ArrayList<>();
            List<String> errors = new ArrayList<>();

            TrustManager clientTrust = current.clientTrust();
            WatchedFiles clientCa = current.clientCa();
            boolean trustChanged = false;
            if (clientCa != null && !clientCa.stampsUnchanged()) {
                try {
                    WatchedFiles read = WatchedFiles.read(List.of(clientCaFile), List.of("client CA file"));
                    if (!read.sameContent(clientCa)) {
                        clientTrust = clientTrust(read);
                        trustChanged = true;
                        reloaded.add("client CA " + clientCaFile);
                    }
                    clientCa = read.withoutContent();
                    failures.remove(-1);
                } catch (TlsMaterialException e) {
                    report(-1, e.getMessage(), e.getMessage(), errors);
                }
            }

            List<Entry> entries = new ArrayList<>(current.entries());
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (!trustChanged && entry.files().stampsUnchanged()) {
                    continue;
                }
                TenantCertificate spec = entry.spec();
                WatchedFiles read;
                try {
                    read = WatchedFiles.read(List.of(spec.certFile(), spec.keyFile()), PAIR_ROLES);
                } catch (TlsMaterialException e) {
                    report(i, e.getMessage(), "tenant " + spec.tenant() + ": " + e.getMessage(), errors);
                    continue;
                }
                if (!trustChanged && read.sameContent(entry.files())) {
                    // Touched or rewritten with the same bytes: remember the new stamps, keep the context.
                    entries.set(i, new Entry(spec, entry.context(), read.withoutContent()));
                    failures.remove(i);
                    continue;
                }
                try {
                    entries.set(i, newEntry(spec, read, clientTrust));
                    failures.remove(i);
                    reloaded.add("tenant " + spec.tenant() + ": " + describe(spec));
                } catch (TlsMaterialException e) {
                    report(i, read.digestHex(), "tenant " + spec.tenant() + ": " + e.getMessage(), errors);
                }
            }
            snapshot.set(newSnapshot(entries, clientTrust, clientCa));
            for (String line : reloaded) {
                LOG.info("TLS reload: now serving {}", line);
            }
            for (String line : errors) {
                LOG.warn("TLS reload refused, previous certificate kept: {}", line);
            }
            return new ReloadResult(reloaded, errors);
        }
    }

    /**
     * Runs {@link #reloadIfChanged()} every {@code interval} on the given executor until the returned future is
     * cancelled. A failing check never stops the schedule.
     *
     * @param executor the executor to run on; owned by the caller
     * @param interval delay between the end of one check and the start of the next
     * @param listener receives each result, for metrics or logs; called on the executor's thread
     * @return the scheduled task, to cancel on shutdown
     */
    public ScheduledFuture<?> scheduleReload(ScheduledExecutorService executor, Duration interval,
            Consumer<? super ReloadResult> listener) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(listener, "listener");
        long millis = interval.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        return executor.scheduleWithFixedDelay(() -> {
            try {
                listener.accept(reloadIfChanged());
            } catch (RuntimeException e) {
                // An exception would silently cancel the periodic task; log it and keep checking.
                LOG.warn("TLS reload check failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private Future<SslContext> map(String host, Promise<SslContext> promise) {
        Optional<SslContext> context = contextFor(host);
        if (context.isPresent()) {
            return promise.setSuccess(context.get());
        }
        unknownSni();
        return promise.setFailure(TenantSniHandler.unknownNameException());
    }

    private void unknownSni() {
        try {
            onUnknownSni.run();
        } catch (RuntimeException e) {
            LOG.warn("onUnknownSni callback failed", e);
        }
    }

    private void report(int index, String failureKey, String message, List<String> errors) {
        if (!failureKey.equals(failures.put(index, failureKey))) {
            errors.add(message);
        }
    }

    private Entry newEntry(TenantCertificate spec, WatchedFiles files, TrustManager clientTrust)
            throws TlsMaterialException {
        CertifiedKey identity = PemMaterial.parse(files.text(0), spec.certFile(), files.text(1), spec.keyFile());
        try {
            SslContext context = ConscryptContexts.server(identity, clientTrust, http2, sessions);
            return new Entry(spec, context, files.withoutContent());
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException("cannot build a TLS context from " + spec.certFile() + " and "
                    + spec.keyFile() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private Snapshot newSnapshot(List<Entry> entries, TrustManager clientTrust, WatchedFiles clientCa) {
        HostTable.Builder<Entry> table = new HostTable.Builder<>();
        for (Entry entry : entries) {
            table.add("tenant " + entry.spec().tenant(), entry.spec().hosts(), entry);
        }
        if (hasDefault) {
            table.fallback(entries.get(entries.size() - 1));
        }
        return new Snapshot(List.copyOf(entries), clientTrust, clientCa, table.build());
    }

    private static TrustManager clientTrust(WatchedFiles caFile) throws TlsMaterialException {
        Path path = caFile.path(0);
        List<X509Certificate> anchors = Pem.certificates(caFile.text(0), path, "client CA file");
        try {
            return ConscryptContexts.trustManager(anchors);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException("client CA file " + path + " cannot be used as a trust store: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static String describe(TenantCertificate spec) {
        return spec.hosts().isEmpty() ? "default certificate" : String.join(", ", spec.hosts());
    }

    @Override
    public String toString() {
        return "ServerTls[" + specs.size() + " certificates, default=" + hasDefault + ", h2=" + http2
                + ", clientAuth=" + (clientCaFile != null) + "]";
    }

    /**
     * Collects the settings of a {@link ServerTls}; not thread-safe, checked when set and in {@link #build()}.
     */
    public static final class Builder {

        private final List<TenantCertificate> certificates = new ArrayList<>();
        private TenantCertificate defaultCertificate;
        private boolean http2 = true;
        private Path clientCaFile;
        private int sessionCacheSize = TlsDefaults.DEFAULT_SESSION_CACHE_SIZE;
        private Duration sessionTimeout = TlsDefaults.DEFAULT_SESSION_TIMEOUT;
        private boolean sessionTickets = true;
        private Runnable onUnknownSni = () -> { };
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Adds a tenant certificate selected by its host patterns.
         *
         * @param certificate the certificate entry; its host list must not be empty
         * @return this builder
         */
        public Builder add(TenantCertificate certificate) {
            Objects.requireNonNull(certificate, "certificate");
            if (certificate.hosts().isEmpty()) {
                throw new IllegalArgumentException("certificate of tenant " + certificate.tenant()
                        + " has no hosts; only the default certificate may have none");
            }
            certificates.add(certificate);
            return this;
        }

        /**
         * Sets the certificate for ClientHellos without SNI or with a name no entry matches. Its own hosts, if
         * any, are matched like those of any other entry.
         *
         * @param certificate the default entry
         * @return this builder
         */
        public Builder defaultCertificate(TenantCertificate certificate) {
            Objects.requireNonNull(certificate, "certificate");
            if (defaultCertificate != null) {
                throw new IllegalStateException("default certificate was already set to tenant "
                        + defaultCertificate.tenant());
            }
            this.defaultCertificate = certificate;
            return this;
        }

        /**
         * Offers HTTP/2 through ALPN (default on); off offers {@code http/1.1} only.
         *
         * @param enabled whether to offer {@code h2}
         * @return this builder
         */
        public Builder http2(boolean enabled) {
            this.http2 = enabled;
            return this;
        }

        /**
         * Requires every client to present a certificate issued by a CA in this PEM file (mutual TLS). The file
         * is reloaded like the certificates.
         *
         * @param caFile PEM file with one or more CA certificates
         * @return this builder
         */
        public Builder requireClientCertificates(Path caFile) {
            this.clientCaFile = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * Bounds the server-side session cache of each tenant context (default 20000 sessions).
         *
         * @param size the maximum number of cached sessions, at least 1
         * @return this builder
         */
        public Builder sessionCacheSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("sessionCacheSize must be at least 1: " + size);
            }
            this.sessionCacheSize = size;
            return this;
        }

        /**
         * Sets how long a session can be resumed, by cache or ticket (default one hour).
         *
         * @param timeout the session lifetime, from one second up
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            TlsDefaults.sessionTimeoutSeconds(Objects.requireNonNull(timeout, "timeout"));
            this.sessionTimeout = timeout;
            return this;
        }

        /**
         * Turns session tickets on or off (default on). Off leaves TLS 1.2 session-ID resumption only.
         *
         * @param enabled whether to issue and accept tickets
         * @return this builder
         */
        public Builder sessionTickets(boolean enabled) {
            this.sessionTickets = enabled;
            return this;
        }

        /**
         * Sets what runs each time a handshake is refused for an unknown or missing SNI name, typically a
         * counter increment. It runs on an event loop and must not block; the name itself is not passed, so it
         * cannot end up in a metric label.
         *
         * @param callback the callback
         * @return this builder
         */
        public Builder onUnknownSni(Runnable callback) {
            this.onUnknownSni = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Sets how long {@link ServerTls#newSniHandler()} waits for a complete ClientHello (default 10s).
         *
         * @param timeout the wait, positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive: " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Loads every certificate and builds the contexts.
         *
         * @return the listener's TLS
         * @throws TlsMaterialException if a file is missing, unreadable, not PEM, or a key does not match its
         *     certificate; the message names the tenant and file
         * @throws IllegalArgumentException if no certificate was added or a host is claimed twice
         * @throws IllegalStateException if Conscrypt is not available
         */
        public ServerTls build() throws TlsMaterialException {
            if (certificates.isEmpty() && defaultCertificate == null) {
                throw new IllegalArgumentException("at least one certificate is required");
            }
            Conscrypts.checkAvailable();
            return new ServerTls(this);
        }
    }
}
