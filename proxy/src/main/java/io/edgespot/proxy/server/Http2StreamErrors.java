package io.edgespot.proxy.server;

import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a stream error reach the client with its own error code (RFC 9113 §5.4.2: "An endpoint that detects a stream
 * error sends a RST_STREAM frame ... that contains the error code for the type of error").
 * <p>
 * When Netty's decoder finds a stream error on a live stream — DATA or HEADERS on a half-closed (remote) stream
 * (STREAM_CLOSED, §5.1), a second HEADERS without END_STREAM, pseudo-header fields in trailers, a missing request
 * pseudo-header or a content-length that the DATA frames do not add up to (PROTOCOL_ERROR, §8.1, §8.3, §8.1.1),
 * a PRIORITY frame of the wrong length (FRAME_SIZE_ERROR, §6.3), a zero WINDOW_UPDATE increment (PROTOCOL_ERROR,
 * §6.9) or a stream window pushed past 2^31-1 (FLOW_CONTROL_ERROR, §6.9.1) — the multiplexer passes the error
 * down the stream's pipeline and then closes the stream channel with that error, which sends the RST_STREAM.
 * Any handler that closes the channel on {@code exceptionCaught} first (as the proxy handler does) turns that
 * into a plain close, and a plain close resets with CANCEL. So the first handler of every stream, the message codec
 * ({@link Http2StreamMessages}) or, once the stream carries a WebSocket, its framing ({@link Http2WebSocketFraming}),
 * ends such an event where it arrives; the multiplexer's close then carries the right code, and the handlers behind
 * it see the channel go inactive, as on a client reset. Other exceptions pass on unchanged.
 */
final class Http2StreamErrors {

    private static final Logger LOG = LoggerFactory.getLogger(Http2StreamErrors.class);

    private Http2StreamErrors() {
    }

    /** Whether {@code cause} is a stream error, which the stream's first handler then ends without passing it on. */
    static boolean absorbed(Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.StreamException e) {
            LOG.debug("HTTP/2 stream {} reset with {}: {}", e.streamId(), e.error(), e.getMessage());
            return true;
        }
        return false;
    }
}
