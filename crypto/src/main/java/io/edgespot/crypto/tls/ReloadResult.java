package io.edgespot.crypto.tls;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link ServerTls#reloadIfChanged()} call did.
 *
 * <p>An error is reported once per distinct bad content: while the same bad files stay in place, later calls
 * neither retry nor repeat the message, and the previous certificate keeps being served.
 *
 * @param reloaded one line per certificate now served from new file contents, e.g.
 *     {@code "tenant acme: shop.acme.example, *.acme.example"}
 * @param errors one sentence per file set that changed but could not be used; never contains key material
 */
public record ReloadResult(List<String> reloaded, List<String> errors) {

    /** Copies both lists. */
    public ReloadResult {
        reloaded = List.copyOf(Objects.requireNonNull(reloaded, "reloaded"));
        errors = List.copyOf(Objects.requireNonNull(errors, "errors"));
    }

    /**
     * Tells whether new connections now see at least one new certificate.
     *
     * @return {@code true} if something was swapped in
     */
    public boolean changed() {
        return !reloaded.isEmpty();
    }
}
