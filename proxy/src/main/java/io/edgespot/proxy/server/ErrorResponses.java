package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The proxy's own answers: small, typed JSON bodies with the status, a reason and the request id, never a trace.
 *
 * <p>{@code {"status":503,"reason":"upstream connection limit reached","request_id":"4bf9..."}}. Reasons are
 * fixed strings chosen by the proxy; nothing from the request is echoed except the id the proxy accepted or
 * generated, so an error page cannot reflect attacker input.
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    /**
     * Builds an error response.
     *
     * @param status    the status
     * @param reason    a fixed, human-readable reason
     * @param requestId the request id, or null before a request was parsed
     * @param close     whether the connection closes after it
     * @return the response, owning a heap buffer
     */
    static FullHttpResponse build(ByteBufAllocator alloc, HttpResponseStatus status, String reason, String requestId,
                                  boolean close) {
        StringBuilder json = new StringBuilder(96).append("{\"status\":").append(status.code())
                .append(",\"reason\":\"").append(reason).append('"');
        if (requestId != null) {
            json.append(",\"request_id\":\"").append(requestId).append('"');
        }
        json.append("}\n");
        ByteBuf body = alloc.buffer(json.length());
        body.writeCharSequence(json, StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (requestId != null) {
            response.headers().set(ForwardHeaders.X_REQUEST_ID, requestId);
        }
        if (status.code() == 503 || status.code() == 429) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds());
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** Writes an error response, closing the connection after it when asked. */
    static ChannelFuture send(Channel channel, HttpResponseStatus status, String reason, String requestId,
                              boolean close) {
        ChannelFuture f = channel.writeAndFlush(build(channel.alloc(), status, reason, requestId, close));
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    /** One to five seconds, jittered so that rejected clients do not come back in step. */
    static int retryAfterSeconds() {
        return 1 + ThreadLocalRandom.current().nextInt(5);
    }
}
