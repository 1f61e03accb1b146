package io.edgespot.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.FileChecks;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class RouteTableTest {

    @Test
    void firstMatchWinsAcrossPrefixExactRegexMethodAndHeader() throws ConfigException {
        String yaml = """
                listeners: [ { name: l, address: "127.0.0.1:0", tls: false } ]
                tenants:
                  - name: t
                    hosts: [ a.example ]
                    clusters: { c: { endpoints: [ "127.0.0.1:1" ] } }
                    routes:
                      - { match: { path: /exact }, to: c }
                      - { match: { pathRegex: "/items/[0-9]+" }, to: c }
                      - { match: { pathPrefix: /api, methods: [ POST ] }, to: c }
                      - { match: { pathPrefix: /api, headers: { x-canary: "1" } }, to: c }
                      - { match: { pathPrefix: /api }, to: c }
                """;
        RouteTable table = new RouteTable(new ConfigLoader(FileChecks.existenceOnly())
                .parse("t.yaml", new StringReader(yaml), Path.of(".")).tenants().get(0).routes());
        DefaultHttpHeaders none = new DefaultHttpHeaders();
        assertThat(table.match("GET", "/exact", none).index()).isEqualTo(0);
        assertThat(table.match("GET", "/exact/more", none)).isNull();
        assertThat(table.match("GET", "/items/42", none).index()).isEqualTo(1);
        assertThat(table.match("GET", "/items/42x", none)).isNull();
        assertThat(table.match("POST", "/api/x", none).index()).isEqualTo(2);
        assertThat(table.match("GET", "/api/x", new DefaultHttpHeaders().set("X-Canary", "1")).index()).isEqualTo(3);
        assertThat(table.match("GET", "/api/x", none).index()).isEqualTo(4);
    }
}
