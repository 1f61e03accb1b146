package io.edgespot.proxy.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * The fields of a response head as HTTP/2 sends them: the fields {@code HttpConversionUtil.toHttp2Headers} makes
 * of it, in the same order, without its costs for the usual response.
 *
 * <p>Netty's conversion builds a hash set of the names {@code Connection} lists, lower-cases every name into a new
 * string and looks it up in a hash set of connection-specific names. Here a response without {@code Connection},
 * {@code TE} or {@code Cookie} (the proxy removed the first two as hop-by-hop; a response has no cookie) is
 * converted in one pass: a well-known name becomes Netty's lower-case constant, whose hash the HPACK encoder
 * then finds computed, and the connection-specific names are told apart by length first. Any other response goes
 * through Netty's conversion.
 */
final class Http2ResponseFields {

    /** Lower-case names by length: the fields most responses carry. */
    private static final AsciiString[][] KNOWN = byLength(
            HttpHeaderNames.AGE, HttpHeaderNames.VIA, HttpHeaderNames.DATE, HttpHeaderNames.ETAG,
            HttpHeaderNames.VARY, HttpHeaderNames.SERVER, HttpHeaderNames.EXPIRES, HttpHeaderNames.LOCATION,
            HttpHeaderNames.SET_COOKIE, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CACHE_CONTROL,
            HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.ACCEPT_RANGES, HttpHeaderNames.CONTENT_RANGE,
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.CONTENT_LANGUAGE,
            HttpHeaderNames.CONTENT_LOCATION, HttpHeaderNames.CONTENT_DISPOSITION,
            HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, AsciiString.cached("strict-transport-security"),
            ForwardHeaders.X_REQUEST_ID, ProxyHandler.CACHE_STATUS);

    /**
     * The names Netty's conversion drops besides {@code Connection}: connection-specific fields (RFC 9113 section
     * 8.2.2), {@code Host}, and three of its own extension fields.
     */
    private static final AsciiString[] CONNECTION_SPECIFIC = {
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.HOST, HttpHeaderNames.UPGRADE, HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), HttpConversionUtil.ExtensionHeaderNames.PATH.text()};

    private Http2ResponseFields() {
    }

    /** The status and fields of {@code r} as one HEADERS frame carries them. */
    static Http2Headers of(HttpResponse r) {
        HttpHeaders in = r.headers();
        if (in.contains(HttpHeaderNames.CONNECTION) || in.contains(HttpHeaderNames.TE)
                || in.contains(HttpHeaderNames.COOKIE)) {
            return HttpConversionUtil.toHttp2Headers(r, false);
        }
        Http2Headers out = new DefaultHttp2Headers(false, in.size() + 1);
        out.status(r.status().codeAsText());
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = it.next();
            AsciiString name = lowerCase(field.getKey());
            if (!isConnectionSpecific(name)) {
                out.add(name, field.getValue());
            }
        }
        return out;
    }

    /** {@code name} in lower case: a constant for a well-known name, else a new string when it has capitals. */
    static AsciiString lowerCase(CharSequence name) {
        int n = name.length();
        if (n < KNOWN.length) {
            for (AsciiString known : KNOWN[n]) {
                if (known.contentEqualsIgnoreCase(name)) {
                    return known;
                }
            }
        }
        return AsciiString.of(name).toLowerCase();
    }

    private static boolean isConnectionSpecific(AsciiString lowerName) {
        for (AsciiString forbidden : CONNECTION_SPECIFIC) {
            if (forbidden.contentEquals(lowerName)) { // lengths first
                return true;
            }
        }
        return false;
    }

    private static AsciiString[][] byLength(AsciiString... names) {
        int longest = 0;
        for (AsciiString name : names) {
            longest = Math.max(longest, name.length());
        }
        AsciiString[][] table = new AsciiString[longest + 1][0];
        for (AsciiString name : names) {
            AsciiString[] same = Arrays.copyOf(table[name.length()], table[name.length()].length + 1);
            same[same.length - 1] = name;
            table[name.length()] = same;
        }
        return table;
    }
}
