package io.edgespot.proxy.admin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.edgespot.cache.PurgeMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the JSON body of {@code POST /purge}:
 * {@code {"tenant":"acme","url":"https://shop.acme.example/x"}}, or {@code "prefix"} (an absolute URL
 * whose path is the prefix) or {@code "tag"} instead of {@code "url"}, and an optional
 * {@code "mode":"soft"|"hard"} (default hard). Every refusal names the bad field.
 */
final class PurgeBody {

    private static final Set<String> FIELDS = Set.of("tenant", "url", "prefix", "tag", "mode");
    private static final int MAX_ECHO = 64;

    /** A malformed body; the message starts with the field at fault. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String field, String problem) {
            super(field + ": " + problem, null, false, false);
        }
    }

    private PurgeBody() {
    }

    static PurgeRequest parse(String body) throws Malformed {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(body);
            if (!e.isJsonObject()) {
                throw new Malformed("body", "expected a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new Malformed("body", "not valid JSON");
        }
        for (Map.Entry<String, JsonElement> field : o.entrySet()) {
            if (!FIELDS.contains(field.getKey())) {
                String name = field.getKey();
                throw new Malformed(name.length() > MAX_ECHO ? name.substring(0, MAX_ECHO) + "..." : name,
                        "unknown field (expected tenant, url, prefix, tag, mode)");
            }
        }
        String tenant = string(o, "tenant");
        if (tenant == null) {
            throw new Malformed("tenant", "required, a non-empty string");
        }
        int targets = (o.has("url") ? 1 : 0) + (o.has("prefix") ? 1 : 0) + (o.has("tag") ? 1 : 0);
        if (targets != 1) {
            throw new Malformed(targets == 0 ? "url" : "prefix",
                    "give exactly one of url, prefix or tag");
        }
        return new PurgeRequest(tenant, target(o), mode(o));
    }

    private static PurgeRequest.Target target(JsonObject o) throws Malformed {
        if (o.has("tag")) {
            String tag = string(o, "tag");
            if (tag == null) {
                throw new Malformed("tag", "expected a non-empty string");
            }
            return new PurgeRequest.Tag(tag);
        }
        String field = o.has("url") ? "url" : "prefix";
        String text = string(o, field);
        if (text == null) {
            throw new Malformed(field, "expected an absolute http or https URL");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new Malformed(field, "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getRawAuthority() == null) {
            throw new Malformed(field, "expected an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Malformed(field, "must not contain user info");
        }
        String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (field.equals("prefix")) {
            if (uri.getRawQuery() != null) {
                throw new Malformed("prefix", "a prefix takes no query string");
            }
            return new PurgeRequest.Prefix(authority, path);
        }
        return new PurgeRequest.Url(scheme, authority,
                uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    private static PurgeMode mode(JsonObject o) throws Malformed {
        if (!o.has("mode")) {
            return PurgeMode.HARD;
        }
        String mode = string(o, "mode");
        if ("hard".equals(mode)) {
            return PurgeMode.HARD;
        }
        if ("soft".equals(mode)) {
            return PurgeMode.SOFT;
        }
        throw new Malformed("mode", "expected soft or hard");
    }

    /** The field as a non-empty string, or null when absent, empty or not a string. */
    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            return null;
        }
        String s = e.getAsString();
        return s.isEmpty() ? null : s;
    }
}
