package dev.portcullis.tunnel.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The request leg on the agent (proxy -> app): the proxy's DATA (and trailer) frames wait here until the app
 * connection can take them, then go out as HTTP/1.1 content, or as raw bytes after a 101. Request trailers are not
 * forwarded. Once the request's end went out, frames that still arrive are released unread.
 *
 * <p>Event loop only (the stream's, which is the app connection's). Owns the queued frames.
 */
final class RequestToApp {
    private final ArrayDeque<Object> pending = new ArrayDeque<>(); // proxy frames waiting for the app connection
    private boolean ended;

    /** Queues a frame from the proxy; takes ownership. */
    void add(Object frame) {
        pending.add(frame);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The request's last part went to the app (HTTP), or the output toward the app was shut (upgraded). */
    boolean ended() {
        return ended;
    }

    /** The request ended without a frame from this queue (no body, or ended with the upgrade request itself). */
    void markEnded() {
        ended = true;
    }

    /**
     * Writes every queued frame to {@code app} ({@code raw}: bytes as they are, else HTTP/1.1 content) and flushes;
     * returns true if this call wrote the request's end.
     */
    boolean writeTo(Channel app, boolean raw) {
        boolean wrote = false;
        boolean endedNow = false;
        Object msg;
        while ((msg = pending.poll()) != null) {
            wrote = true;
            if (ended) {
                ReferenceCountUtil.release(msg);
                continue;
            }
            boolean eos = msg instanceof Http2DataFrame d ? d.isEndStream() : ((Http2HeadersFrame) msg).isEndStream();
            ByteBuf content = msg instanceof Http2DataFrame d ? d.content() : Unpooled.EMPTY_BUFFER;
            if (msg instanceof Http2HeadersFrame) {
                ReferenceCountUtil.release(msg); // request trailers are not forwarded
            }
            if (!raw) {
                app.write(eos ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content));
            } else if (content.isReadable()) {
                app.write(content);
            } else {
                content.release();
            }
            if (eos) {
                ended = true;
                endedNow = true;
            }
        }
        if (wrote) {
            app.flush();
        }
        return endedNow;
    }

    /** Releases every queued frame; idempotent. */
    void releaseAll() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
