package io.edgespot.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URL part of a cache key: tenant, scheme, normalised host and normalised path and query.
 *
 * <p>The encoding is length-prefixed so that no two keys share bytes, and starts with the tenant (design
 * invariant 1). Vary-selected request values are appended by {@link VaryKey}.
 *
 * @param tenant the tenant
 * @param scheme the lower-cased scheme
 * @param host the lower-cased host without its default port
 * @param pathAndQuery the path and the normalised query
 */
record PrimaryKey(String tenant, String scheme, String host, String pathAndQuery) {
    private static final String VERSION = "edgespot-key-v1";

    /** Builds the key of a request under the tenant's query mode. */
    static PrimaryKey of(CacheRequest request, QueryMode mode) {
        return of(request.tenant(), request.scheme(), request.host(), request.pathAndQuery(), mode);
    }

    /** Builds a key from its parts, normalising host and query. */
    static PrimaryKey of(String tenant, String scheme, String host, String pathAndQuery, QueryMode mode) {
        String lowerScheme = scheme.toLowerCase(Locale.ROOT);
        return new PrimaryKey(tenant, lowerScheme, normaliseHost(lowerScheme, host),
                normalisePathAndQuery(pathAndQuery, mode));
    }

    /** Lower-cases the host, drops a trailing dot and the scheme's default port. */
    static String normaliseHost(String scheme, String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        String port = "";
        if (colon > h.lastIndexOf(']')) {
            port = h.substring(colon + 1);
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        boolean defaultPort = port.isEmpty()
                || ("http".equals(scheme) && "80".equals(port))
                || ("https".equals(scheme) && "443".equals(port));
        return defaultPort ? h : h + ":" + port;
    }

    /** Drops any fragment, defaults an empty path to {@code /} and applies the query mode. */
    static String normalisePathAndQuery(String pathAndQuery, QueryMode mode) {
        String target = pathAndQuery;
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        if (path.isEmpty()) {
            path = "/";
        }
        if (query == null || mode == QueryMode.IGNORE) {
            return path;
        }
        if (mode == QueryMode.SORT) {
            List<String> params = new ArrayList<>();
            for (String param : query.split("&")) {
                if (!param.isEmpty()) {
                    params.add(param);
                }
            }
            params.sort(null);
            query = String.join("&", params);
            if (query.isEmpty()) {
                return path;
            }
        }
        return path + "?" + query;
    }

    /** Returns the path without the query. */
    String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** Returns the unambiguous byte encoding used as associated data and PRF input. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + pathAndQuery.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, VERSION);
            writeString(out, tenant);
            writeString(out, scheme);
            writeString(out, host);
            writeString(out, pathAndQuery);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes {@link #encode()} output. */
    static PrimaryKey decode(byte[] encoded) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        if (!VERSION.equals(readString(in))) {
            throw new IOException("unknown key version");
        }
        return new PrimaryKey(readString(in), readString(in), readString(in), readString(in));
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** Reads a string {@link #writeString written} at the buffer's position, and moves past it. */
    static String readString(ByteBuffer in) throws IOException {
        if (in.remaining() < Integer.BYTES) {
            throw new IOException("truncated length");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IOException("bad length");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    @Override
    public String toString() {
        // The URL is content: keep it out of logs and exception messages.
        return "PrimaryKey[tenant=" + tenant + "]";
    }
}
