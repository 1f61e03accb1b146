package io.edgespot.proxy.server;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheExchange;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.proxy.cache.CacheBodies;
import io.edgespot.proxy.cache.NettyFields;
import io.edgespot.proxy.upstream.ClusterState;
import io.edgespot.proxy.upstream.EndpointState;
import io.edgespot.proxy.upstream.UpstreamConnection;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Refreshes a cache entry that was served stale (RFC 5861 stale-while-revalidate): one upstream GET whose
 * response goes only into the cache. Nobody waits for it; a failure leaves the stale entry as it is.
 */
final class BackgroundRefresh implements UpstreamConnection.Listener {

    private final ProxyContext px;
    private final ClusterState cluster;
    private final HttpRequest head;
    private final CacheExchange exchange;
    private UpstreamConnection conn;
    private BodyCollector collector;
    private boolean keepAlive;
    private boolean done;

    BackgroundRefresh(ProxyContext px, ClusterState cluster, HttpRequest head, CacheExchange exchange) {
        this.px = px;
        this.cluster = cluster;
        this.head = head;
        this.exchange = exchange;
    }

    void start(EventLoop loop) {
        EndpointState endpoint = cluster.pick(head.headers(), null);
        px.pool(loop).acquire(cluster, endpoint).addListener(f -> {
            if (!f.isSuccess()) {
                finish(true);
                return;
            }
            conn = (UpstreamConnection) f.getNow();
            conn.attach(this);
            conn.channel().write(head);
            conn.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            conn.channel().read();
        });
    }

    private HttpCache cache() {
        return px.cache();
    }

    @Override
    public void onUpstreamMessage(Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse r) {
                int status = r.status().code();
                if (status < 200) {
                    return;
                }
                keepAlive = HttpUtil.isKeepAlive(r);
                cluster.onResponse(conn.endpoint(), status);
                ResponseDecision d = cache().onResponse(exchange, status, NettyFields.from(r.headers()));
                done = !(d instanceof ResponseDecision.Store);
                if (d instanceof ResponseDecision.Store st) {
                    collector = st.collector();
                } else {
                    release(false);
                    return;
                }
            }
            if (msg instanceof HttpContent c) {
                if (collector != null && !CacheBodies.append(collector, c.content())) {
                    collector = null;
                }
                if (c instanceof LastHttpContent) {
                    if (collector != null) {
                        collector.complete();
                        collector = null;
                    }
                    done = true;
                    release(keepAlive);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (!done && conn != null) {
            conn.channel().read();
        }
    }

    @Override
    public void onUpstreamWritable() {
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        conn = null;
        finish(true);
    }

    private void finish(boolean failed) {
        if (collector != null) {
            collector.abort();
            collector = null;
        }
        if (failed && !done) {
            done = true;
            cache().onError(exchange);
        }
    }

    private void release(boolean reusable) {
        UpstreamConnection c = conn;
        conn = null;
        if (c != null) {
            c.release(reusable);
        }
    }
}
