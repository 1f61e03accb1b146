package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.HttpFields;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class NettyFieldsTest {

    @Test
    void from_lowerCasesNamesAndKeepsEveryLineInOrder() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Cache-Control", "max-age=60")
                .add(HttpHeaderNames.VARY, "Accept-Encoding")
                .add("Set-Cookie", "a=1")
                .add(AsciiString.of("SET-COOKIE"), "b=2")
                .add("X-Empty", "");

        HttpFields fields = NettyFields.from(headers);

        assertThat(fields.names()).containsExactly("cache-control", "vary", "set-cookie", "x-empty");
        assertThat(fields.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(fields.get("VARY")).isEqualTo("Accept-Encoding");
        assertThat(fields.get("x-empty")).isEmpty();
        assertThat(NettyFields.from(new DefaultHttpHeaders())).isSameAs(HttpFields.empty());
    }

    @Test
    void copyInto_addsLowerCaseLinesThatNettyReadsCaseInsensitively() {
        HttpFields fields = HttpFields.of("Cache-Status", "edgespot; hit", "set-cookie", "a=1", "Set-Cookie", "b=2");
        HttpHeaders headers = new DefaultHttpHeaders().add("Server", "edgespot");

        NettyFields.copyInto(fields, headers);

        List<String> names = new ArrayList<>();
        headers.forEach(line -> names.add(line.getKey()));
        assertThat(names).containsExactly("Server", "cache-status", "set-cookie", "set-cookie");
        assertThat(headers.getAll("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(headers.get(AsciiString.of("Cache-Status"))).isEqualTo("edgespot; hit");
    }

    @Test
    void roundTripKeepsTheFields() {
        HttpFields fields = HttpFields.of("etag", "\"v1\"", "vary", "accept", "vary", "cookie", "age", "3");
        HttpHeaders headers = new DefaultHttpHeaders();

        NettyFields.copyInto(fields, headers);

        assertThat(NettyFields.from(headers)).isEqualTo(fields);
    }

    @Test
    void request_takesMethodTargetAndHeadersFromTheNettyRequest() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/a/b?x=1&y=2");
        request.headers().add("Host", "Shop.Acme.Test:8443").add("Accept", "text/html");

        CacheRequest cacheRequest = NettyFields.request(request, "acme", "HTTPS", "Shop.Acme.Test:8443");

        assertThat(cacheRequest.tenant()).isEqualTo("acme");
        assertThat(cacheRequest.method()).isEqualTo("HEAD");
        assertThat(cacheRequest.scheme()).isEqualTo("https");
        assertThat(cacheRequest.host()).isEqualTo("Shop.Acme.Test:8443");
        assertThat(cacheRequest.pathAndQuery()).isEqualTo("/a/b?x=1&y=2");
        assertThat(cacheRequest.headers().get("accept")).isEqualTo("text/html");
    }

    @Test
    void request_reducesAbsoluteFormTargetsToOriginForm() {
        assertThat(NettyFields.originForm("http://shop.acme.test/a?b=1")).isEqualTo("/a?b=1");
        assertThat(NettyFields.originForm("HTTPS://shop.acme.test:443")).isEqualTo("/");
        assertThat(NettyFields.originForm("https://shop.acme.test?q")).isEqualTo("/?q");
        assertThat(NettyFields.originForm("https://user@shop.acme.test/p")).isEqualTo("/p");
        assertThat(NettyFields.originForm("/already/origin?u=http://x/y")).isEqualTo("/already/origin?u=http://x/y");
        assertThat(NettyFields.originForm("*")).isEqualTo("*");
        assertThat(NettyFields.originForm("")).isEmpty();
        assertThat(NettyFields.originForm("not a uri://x")).isEqualTo("not a uri://x");

        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "http://shop.acme.test/page");
        assertThat(NettyFields.request(request, "acme", "http", "shop.acme.test").pathAndQuery())
                .isEqualTo("/page");
    }
}
