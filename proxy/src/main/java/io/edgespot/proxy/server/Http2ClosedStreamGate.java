package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Sits right in front of the HTTP/2 frame codec and answers a HEADERS frame on a client stream that the client
 * has already ended, or never opened, the way RFC 9113 asks — which Netty's decoder cannot, because it forgets a
 * stream once it is closed:
 * <ul>
 *   <li>§5.1.1: a HEADERS frame whose stream identifier is not greater than every stream the client opened
 *       before, on a stream it never opened, is a connection error of type PROTOCOL_ERROR (Netty answers
 *       RST_STREAM STREAM_CLOSED, taking it for a closed stream).</li>
 *   <li>§5.1, half-closed (remote): a HEADERS frame after the client's END_STREAM, while the stream is still
 *       live, is a stream error of type STREAM_CLOSED (Netty answers PROTOCOL_ERROR, because it counts the
 *       opening HEADERS twice and sees "too many headers").</li>
 *   <li>§5.1, closed: a HEADERS frame after the client's END_STREAM, once the stream is closed, is treated as a
 *       connection error of type STREAM_CLOSED (RFC 7540 required it; RFC 9113 allows it). If the stream was
 *       closed by our own RST_STREAM, the frame is left to Netty, which ignores it or resets again, as §5.1
 *       asks for frames that may have crossed our RST_STREAM.</li>
 * </ul>
 * The gate reads only the 9-byte frame headers of the byte stream (after the 24-byte client preface) and passes
 * every byte on unchanged, so header blocks still reach the HPACK decoder. It keeps the identifiers of the last
 * {@value #RECENT} client streams, whether the client ended each and whether we reset it; an older stream is
 * forgotten, and a HEADERS frame on it is left to Netty (RST_STREAM STREAM_CLOSED). Whenever a decision depends
 * on the codec's stream state, the bytes before that frame are handed to the codec first, so the state is the
 * one the frame meets. DATA frames on closed streams keep Netty's answer (stream error STREAM_CLOSED).
 */
final class Http2ClosedStreamGate extends ChannelInboundHandlerAdapter {

    static final int RECENT = 128;

    private static final int FRAME_HEADER_BYTES = 9;
    private static final int TYPE_DATA = 0x0;
    private static final int TYPE_HEADERS = 0x1;
    private static final int FLAG_END_STREAM = 0x1;
    private static final byte ENDED = 1;
    private static final byte RESET_BY_US = 2;

    private final Http2FrameCodec codec;
    private final int[] ids = new int[RECENT];
    private final byte[] flags = new byte[RECENT];
    /** Ring of recently opened client streams, oldest at {@code head}. */
    private int head;
    private int size;
    /** Every client stream at or above this that is not in the ring was never opened. */
    private int floor = 1;
    private int lastOpened;

    private int prefaceLeft = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    private final byte[] header = new byte[FRAME_HEADER_BYTES];
    private int headerBytes;
    private long payloadLeft;
    private boolean failed;

    Http2ClosedStreamGate(Http2FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (stream.isResetSent()) {
                    mark(stream.id(), RESET_BY_US);
                }
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        int end = in.writerIndex();
        int pos = in.readerIndex();
        int passed = pos; // bytes before this index have been handed to the codec
        while (pos < end) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, end - pos);
                prefaceLeft -= n;
                pos += n;
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - pos);
                payloadLeft -= n;
                pos += n;
            } else {
                int frameStart = pos;
                int n = Math.min(FRAME_HEADER_BYTES - headerBytes, end - pos);
                in.getBytes(pos, header, headerBytes, n);
                headerBytes += n;
                pos += n;
                if (headerBytes < FRAME_HEADER_BYTES) {
                    break;
                }
                headerBytes = 0;
                payloadLeft = (header[0] & 0xffL) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                int type = header[3] & 0xff;
                int frameFlags = header[4] & 0xff;
                int streamId = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                        | header[8] & 0xff;
                if (!needsCodecState(type, frameFlags, streamId)) {
                    continue;
                }
                if (frameStart > passed) {
                    ctx.fireChannelRead(in.retainedSlice(passed, frameStart - passed));
                    passed = frameStart;
                }
                Http2Exception error = judgeLateHeaders(ctx, streamId);
                if (error != null) {
                    failed = true;
                    in.release();
                    codec.onError(ctx.pipeline().context(codec), false, error);
                    return;
                }
            }
        }
        if (passed == in.readerIndex()) {
            ctx.fireChannelRead(in);
        } else {
            if (end > passed) {
                ctx.fireChannelRead(in.retainedSlice(passed, end - passed));
            }
            in.release();
        }
    }

    /**
     * Records what a client frame says about its stream; true for a HEADERS frame on a stream the client already
     * ended or never opened, whose answer depends on the codec's state.
     */
    private boolean needsCodecState(int type, int frameFlags, int streamId) {
        if (streamId == 0 || (streamId & 1) == 0 || type != TYPE_HEADERS && type != TYPE_DATA) {
            return false;
        }
        boolean endStream = (frameFlags & FLAG_END_STREAM) != 0;
        if (type == TYPE_HEADERS && streamId > lastOpened) {
            lastOpened = streamId;
            open(streamId, endStream ? ENDED : 0);
            return false;
        }
        if (type == TYPE_DATA) {
            if (endStream) {
                mark(streamId, ENDED);
            }
            return false;
        }
        int i = indexOf(streamId);
        if (i < 0) {
            return streamId >= floor; // never opened
        }
        if ((flags[i] & ENDED) != 0) {
            return true;
        }
        if (endStream) {
            flags[i] |= ENDED; // trailers
        }
        return false;
    }

    /**
     * For a HEADERS frame flagged by {@link #needsCodecState}: the connection error to raise, or null after
     * resetting a live stream (the codec then ignores the frame) or when the frame is left to the codec.
     */
    private Http2Exception judgeLateHeaders(ChannelHandlerContext ctx, int streamId) {
        int i = indexOf(streamId);
        if (i < 0) {
            return Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "HEADERS on stream %d, below the last opened stream %d and never opened", streamId, lastOpened);
        }
        Http2Stream stream = codec.connection().stream(streamId);
        if (stream != null) {
            if (!stream.isResetSent()) {
                ChannelHandlerContext codecCtx = ctx.pipeline().context(codec);
                codec.resetStream(codecCtx, streamId, Http2Error.STREAM_CLOSED.code(), codecCtx.newPromise());
            }
            return null;
        }
        if ((flags[i] & RESET_BY_US) != 0) {
            return null;
        }
        return Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                "HEADERS on stream %d after its END_STREAM", streamId);
    }

    private void open(int streamId, byte f) {
        if (size == RECENT) {
            floor = ids[head] + 2;
            head = (head + 1) % RECENT;
            size--;
        }
        int i = (head + size) % RECENT;
        ids[i] = streamId;
        flags[i] = f;
        size++;
    }

    private void mark(int streamId, byte f) {
        int i = indexOf(streamId);
        if (i >= 0) {
            flags[i] |= f;
        }
    }

    /** Newest first: the streams asked about are nearly always recent ones. */
    private int indexOf(int streamId) {
        for (int k = size - 1; k >= 0; k--) {
            int i = (head + k) % RECENT;
            if (ids[i] == streamId) {
                return i;
            }
            if (ids[i] < streamId) {
                return -1;
            }
        }
        return -1;
    }
}
