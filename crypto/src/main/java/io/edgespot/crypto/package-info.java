/**
 * Per-tenant encryption keys for the edgespot cache, kept in files encrypted under a key-encryption
 * key.
 *
 * <p>{@link io.edgespot.crypto.KeyEncryptionKey} resolves the key-encryption key (KEK) from a spec:
 * a cleartext development file ({@code file:}), an environment variable ({@code env:}), or a KMS key
 * URI such as {@code aws-kms://...} through a pluggable Tink {@code KmsClient}.
 *
 * <p>{@link io.edgespot.crypto.TenantKeys} holds one tenant's three Tink keysets, loaded from an
 * encrypted keyset file: AES256-GCM for small cache entries, AES256-GCM-HKDF streaming AEAD for large
 * bodies (decryptable segment by segment), and HMAC-SHA256 PRF for purge tags. The tenant name is
 * bound into the associated data of every ciphertext and of every keyset in the file, so neither an
 * entry nor a keyset can be moved to another tenant; callers add the cache key as associated data so
 * an entry cannot be moved to another key either.
 *
 * <p>{@link io.edgespot.crypto.KeysetTool} implements {@code edgespot keys}: create, rotate, promote,
 * list and destroy (crypto-shredding).
 *
 * <p>Nothing in this package logs, prints or puts into exception messages any key material. The
 * package knows nothing of HTTP; TLS contexts live in {@code io.edgespot.crypto.tls}.
 */
package io.edgespot.crypto;
