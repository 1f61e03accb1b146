package io.edgespot.crypto.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One tenant's certificate for downstream TLS, and the host names it is selected for by SNI.
 *
 * <p>Host patterns are exact names ({@code shop.acme.example}) or a wildcard for exactly one leftmost label
 * ({@code *.acme.example} matches {@code a.acme.example}, not {@code acme.example} nor
 * {@code a.b.acme.example}, as in RFC 6125). They are stored lower-case without a trailing dot. The list may be
 * empty only for the default certificate of {@link ServerTls.Builder#defaultCertificate}.
 *
 * @param tenant the tenant's name, opaque to this package
 * @param hosts host patterns served with this certificate
 * @param certFile PEM certificate chain, leaf first
 * @param keyFile PEM private key of the leaf
 */
public record TenantCertificate(String tenant, List<String> hosts, Path certFile, Path keyFile) {

    /** Validates every field, naming the field and the value in the message. */
    public TenantCertificate {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        List<String> normalized = new ArrayList<>(hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            String host = Objects.requireNonNull(hosts.get(i), "hosts[" + i + "]");
            String pattern = HostTable.normalizePattern(host);
            if (pattern == null) {
                throw new IllegalArgumentException("hosts[" + i + "]: '" + host
                        + "' is not a host name or a '*.' wildcard over one label");
            }
            normalized.add(pattern);
        }
        hosts = List.copyOf(normalized);
    }
}
