package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.http.FieldList;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class Http2ResponseFieldsTest {

    /** Well-known names in three cases, other names, every name Netty's conversion drops, and the rare three. */
    private static final String[] NAMES = {
        "content-type", "Content-Type", "CONTENT-TYPE", "Content-Length", "Date", "Server", "ETag", "Last-Modified",
        "Accept-Ranges", "Cache-Control", "Via", "Age", "Vary", "Set-Cookie", "x-request-id", "X-Request-Id",
        "Cache-Status", "Strict-Transport-Security", "X-Custom-Thing", "x-lower", "A", "x-http2-stream-weight",
        "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Host", "Upgrade", "x-http2-stream-id",
        "X-Http2-Scheme", "x-http2-path", "Connection", "TE", "Cookie"};
    private static final String[] VALUES = {
        "1", "text/html", "keep-alive", "close, x-custom-thing", "trailers", "gzip, trailers", "a=1; b=2", "", "x y"};
    private static final HttpResponseStatus[] STATUSES = {
        HttpResponseStatus.OK, HttpResponseStatus.NOT_FOUND, HttpResponseStatus.valueOf(299, "Custom"),
        HttpResponseStatus.NO_CONTENT, HttpResponseStatus.BAD_GATEWAY};

    @Test
    void makesTheFieldsNettysConversionMakes() {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int run = 0; run < 5_000; run++) {
            HttpHeaders headers = random.nextBoolean() ? new FieldList()
                    : DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
            // mostly without the three names that send a response through Netty's conversion
            int pool = random.nextInt(4) == 0 ? NAMES.length : NAMES.length - 3;
            for (int i = random.nextInt(12); i > 0; i--) {
                headers.add(NAMES[random.nextInt(pool)], VALUES[random.nextInt(VALUES.length)]);
            }
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    STATUSES[random.nextInt(STATUSES.length)], headers);
            assertThat(lines(Http2ResponseFields.of(r))).as("%s", headers)
                    .isEqualTo(lines(HttpConversionUtil.toHttp2Headers(r, false)));
        }
    }

    @Test
    void aWellKnownNameBecomesNettysConstantAndAnotherALowerCaseCopy() {
        assertThat((Object) Http2ResponseFields.lowerCase("Content-Type")).isSameAs(HttpHeaderNames.CONTENT_TYPE);
        assertThat((Object) Http2ResponseFields.lowerCase("LAST-MODIFIED")).isSameAs(HttpHeaderNames.LAST_MODIFIED);
        assertThat(Http2ResponseFields.lowerCase("X-Custom-Thing").toString()).isEqualTo("x-custom-thing");
        assertThat(Http2ResponseFields.lowerCase("Date-ish").toString()).isEqualTo("date-ish");
    }

    private static List<String> lines(Http2Headers h) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }
}
