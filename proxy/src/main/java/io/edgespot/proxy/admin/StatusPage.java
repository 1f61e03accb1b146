package io.edgespot.proxy.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The status page at {@code GET /}: one self-contained HTML file (inline CSS and JS, no external
 * resource) that follows {@code /events} and falls back to polling {@code /status.json}.
 *
 * <p>It is served with a Content-Security-Policy that allows only its own inline style and script, by
 * hash, and connections to the admin listener itself.
 */
final class StatusPage {

    private static final String RESOURCE = "status.html";
    private static final Buffer HTML;
    private static final String CSP;

    static {
        String html;
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HTML = Buffer.buffer(html);
        CSP = "default-src 'none'; style-src " + hashOf(html, "style") + "; script-src " + hashOf(html, "script")
                + "; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private StatusPage() {
    }

    static void serve(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .end(HTML);
    }

    /** The CSP source of the one inline element {@code tag} of the page, e.g. {@code 'sha256-...'}. */
    private static String hashOf(String html, String tag) {
        String open = "<" + tag + ">";
        int start = html.indexOf(open);
        int end = html.indexOf("</" + tag + ">", start);
        if (start < 0 || end < 0) {
            throw new IllegalStateException(RESOURCE + " has no <" + tag + "> element");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(html.substring(start + open.length(), end).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
