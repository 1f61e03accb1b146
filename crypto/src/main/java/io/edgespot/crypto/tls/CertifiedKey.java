package io.edgespot.crypto.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate chain (leaf first) and the private key for its leaf, as read from PEM files. */
record CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {

    CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must not be empty");
        }
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** Names the leaf only: the generated record {@code toString()} would print the private key object. */
    @Override
    public String toString() {
        return "CertifiedKey[" + leaf().getSubjectX500Principal().getName() + "]";
    }
}
