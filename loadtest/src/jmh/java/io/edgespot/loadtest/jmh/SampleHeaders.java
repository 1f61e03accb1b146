package io.edgespot.loadtest.jmh;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Realistic header blocks shared by the benchmarks; each call returns a new, mutable copy. */
public final class SampleHeaders {
    private SampleHeaders() {
    }

    /** A desktop browser's request for a static asset: 14 field lines, about 900 bytes. */
    public static HttpHeaders browserRequest() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("Host", "www.example.com");
        h.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        h.add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8");
        h.add("Accept-Language", "en-GB,en;q=0.7,de;q=0.3");
        h.add("Accept-Encoding", "gzip, deflate, br, zstd");
        h.add("Referer", "https://www.example.com/products/category/shoes?page=2");
        h.add("Connection", "keep-alive");
        h.add("Cookie", "session=4f2c9a1e7b3d5f60a8c2e4b6d8f0a1c3; prefs=dark; _ga=GA1.2.123456789.1700000000");
        h.add("Sec-Fetch-Dest", "script");
        h.add("Sec-Fetch-Mode", "no-cors");
        h.add("Sec-Fetch-Site", "same-origin");
        h.add("If-None-Match", "\"3f9c2a-1a2b3c\"");
        h.add("Cache-Control", "max-age=0");
        h.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        return h;
    }

    /** An origin's cacheable response: 11 field lines including hop-by-hop ones the proxy must remove. */
    public static HttpHeaders originResponse() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("Date", "Mon, 30 Nov 2026 12:00:00 GMT");
        h.add("Content-Type", "application/javascript; charset=utf-8");
        h.add("Content-Length", "48213");
        h.add("Cache-Control", "public, max-age=31536000, immutable");
        h.add("ETag", "\"3f9c2a-1a2b3c\"");
        h.add("Last-Modified", "Sun, 29 Nov 2026 08:30:00 GMT");
        h.add("Vary", "Accept-Encoding");
        h.add("Content-Encoding", "br");
        h.add("Server", "origin/1.0");
        h.add("Connection", "keep-alive");
        h.add("Keep-Alive", "timeout=5");
        return h;
    }

    /** The raw bytes of {@link #browserRequest()} as an HTTP/1.1 GET request head. */
    public static String browserRequestHead() {
        StringBuilder b = new StringBuilder("GET /static/app.3f9c2a.js?v=12 HTTP/1.1\r\n");
        browserRequest().forEach(e -> b.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n"));
        return b.append("\r\n").toString();
    }
}
