package io.edgespot.proxy.admin;

import io.edgespot.proxy.config.EdgeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Bearer-token checks of the admin API. Mutating endpoints always need the token; read-only ones only
 * when {@code readRequiresToken} is set. Only a SHA-256 digest of the token is kept, and presented
 * tokens are compared by digest in constant time.
 */
final class AdminAuth {

    private static final String BEARER = "Bearer ";

    /** A refusal: the status to answer with and a reason that never contains a token. */
    record Denial(int status, String reason) {
    }

    private final byte[] tokenDigest;
    private final boolean readRequiresToken;

    private AdminAuth(byte[] tokenDigest, boolean readRequiresToken) {
        this.tokenDigest = tokenDigest;
        this.readRequiresToken = readRequiresToken;
    }

    /**
     * Reads the token file a config names, if any; a trailing newline is not part of the token.
     *
     * @throws AdminStartException when the file cannot be read or holds no token
     */
    static AdminAuth load(EdgeConfig.Admin config) {
        Optional<Path> file = config.tokenFile();
        if (file.isEmpty()) {
            return new AdminAuth(null, config.readRequiresToken());
        }
        String token;
        try {
            token = Files.readString(file.get(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
            throw new AdminStartException("cannot read admin token file " + file.get() + ": " + why, e);
        }
        if (token.isEmpty()) {
            throw new AdminStartException("admin token file " + file.get() + " is empty", null);
        }
        return new AdminAuth(sha256(token), config.readRequiresToken());
    }

    /**
     * Checks a request's {@code Authorization} header.
     *
     * @param authorization the header value, possibly {@code null}
     * @param mutating      whether the endpoint changes state
     * @return empty when the request may proceed
     */
    Optional<Denial> check(String authorization, boolean mutating) {
        if (!mutating && !readRequiresToken) {
            return Optional.empty();
        }
        if (tokenDigest == null) {
            return Optional.of(new Denial(403, "admin token not configured"));
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(new Denial(401, "bearer token required"));
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
        return MessageDigest.isEqual(presented, tokenDigest)
                ? Optional.empty()
                : Optional.of(new Denial(401, "invalid token"));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
