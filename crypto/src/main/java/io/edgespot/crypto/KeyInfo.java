package io.edgespot.crypto;

import java.util.Objects;

/**
 * Describes one key of a tenant keyset: its id, role, status and whether it is the primary.
 *
 * <p>It never holds key material, so it is safe to print, log or return from the admin API.
 *
 * @param id the Tink key id; the same id names the matching key in each of the three roles
 * @param role which of the tenant's three keysets the key belongs to
 * @param status whether the key is usable
 * @param primary whether new ciphertexts and tags are made with this key
 */
public record KeyInfo(int id, Role role, Status status, boolean primary) {

    /** Checks the components. */
    public KeyInfo {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
    }

    /** The three keysets a tenant has, each with its own keys. */
    public enum Role {
        /** AES256-GCM keys for small cache entries sealed in one piece. */
        AEAD("aead"),
        /** AES256-GCM-HKDF streaming keys (4 KiB segments) for large bodies. */
        STREAMING_AEAD("streamingAead"),
        /** HMAC-SHA256 PRF keys for purge tags. */
        PRF("prf");

        private final String fileKey;

        Role(String fileKey) {
            this.fileKey = fileKey;
        }

        /**
         * Returns the name of this role in the keyset file and in associated data.
         *
         * @return a stable lower-camel-case name
         */
        public String fileKey() {
            return fileKey;
        }
    }

    /** Lifecycle of a key. */
    public enum Status {
        /** Usable to open; usable to seal if also primary. */
        ENABLED,
        /** Kept in the keyset but not used by any primitive. */
        DISABLED,
        /** Material deleted; entries sealed under it can no longer be opened. */
        DESTROYED
    }
}
