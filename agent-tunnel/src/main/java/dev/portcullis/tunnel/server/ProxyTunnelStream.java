package dev.portcullis.tunnel.server;

import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelStream;
import dev.portcullis.tunnel.TunnelStreamListener;
import dev.portcullis.tunnel.internal.ExpectedErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxy-side stream: the {@link TunnelStream} the proxy writes to, and the handler of its HTTP/2 child channel
 * that turns inbound frames into {@link TunnelStreamListener} calls. The child channel runs with AUTO_READ off, so
 * frames (and the flow-control credit they carry back to the agent) move only on {@link #request()}.
 *
 * <p>Public methods are thread-safe; the flags below are confined to the event loop.
 */
final class ProxyTunnelStream extends ChannelInboundHandlerAdapter implements TunnelStream {
    private static final Logger logger = LoggerFactory.getLogger(ProxyTunnelStream.class);

    private final ProxyTunnel tunnel;
    private final TunnelStreamListener listener;
    private volatile Http2StreamChannel channel;
    /** Bytes written from other threads whose write task has not run yet: the channel cannot see them. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Write tasks queued from other threads (empty writes count too: they must not be overtaken). */
    private final AtomicInteger queuedWrites = new AtomicInteger();
    private final Runnable readTask = () -> {
        Http2StreamChannel ch = channel;
        if (ch != null) {
            ch.read();
        }
    };
    /** The caller was told (by isWritable or an event) that the stream is unwritable and waits for a true event. */
    private volatile boolean callerWaiting;

    // Event loop only.
    private boolean inboundEnded;
    private boolean outboundEnded;
    private boolean finished; // reset delivered, locally reset, or never handed out: no more listener events

    ProxyTunnelStream(ProxyTunnel tunnel, TunnelStreamListener listener) {
        this.tunnel = tunnel;
        this.listener = listener;
    }

    void suppressEvents() {
        finished = true;
    }

    void outboundEnded(boolean ended) {
        outboundEnded |= ended;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (Http2StreamChannel) ctx.channel();
    }

    @Override
    public int id() {
        Http2StreamChannel ch = channel;
        return ch == null ? -1 : ch.stream().id();
    }

    @Override
    public Tunnel tunnel() {
        return tunnel;
    }

    @Override
    public void write(ByteBuf data, boolean endOfStream) {
        Http2StreamChannel ch = channel;
        if (ch == null) {
            data.release();
            return;
        }
        // Writes keep their order across threads: a write on the loop goes direct only if no task is queued.
        if (ch.eventLoop().inEventLoop() && queuedWrites.get() == 0) {
            write0(ch, data, endOfStream);
        } else {
            int bytes = data.readableBytes();
            queuedBytes.addAndGet(bytes);
            queuedWrites.incrementAndGet();
            ch.eventLoop().execute(() -> {
                queuedBytes.addAndGet(-bytes);
                queuedWrites.decrementAndGet();
                write0(ch, data, endOfStream);
                maybeNotifyWritable();
            });
        }
    }

    private void write0(Http2StreamChannel ch, ByteBuf data, boolean endOfStream) {
        if (finished || outboundEnded || !ch.isActive()) {
            data.release();
            return;
        }
        outboundEnded = endOfStream;
        ch.writeAndFlush(new DefaultHttp2DataFrame(data, endOfStream));
    }

    @Override
    public boolean isWritable() {
        Http2StreamChannel ch = channel;
        if (ch == null) {
            return false;
        }
        boolean writable = ch.isWritable() && queuedBytes.get() < tunnel.settings().streamWriteHighWaterMark();
        if (!writable && !callerWaiting) {
            callerWaiting = true;
            // Re-check on the loop after the flag is visible, so a change that raced with this call is not lost.
            ch.eventLoop().execute(this::maybeNotifyWritable);
        }
        return writable;
    }

    /** Event loop: tells a waiting caller that it may write again. */
    private void maybeNotifyWritable() {
        Http2StreamChannel ch = channel;
        if (callerWaiting && !finished && ch != null && ch.isWritable()
                && queuedWrites.get() == 0) {
            callerWaiting = false;
            safely(() -> listener.onWritabilityChanged(true));
        }
    }

    @Override
    public void request() {
        Http2StreamChannel ch = channel;
        if (ch != null) {
            // Always as a task of the event loop, even when called on it: a read() asked for from inside the delivery
            // of a frame (during the parent channel's read) could leave this stream's WINDOW_UPDATE unsent, and the
            // agent waiting for it forever (RevocationTest stalled in 2 of 8 runs under CPU load). Begun from a task,
            // the read runs outside the parent's read and flushes what it writes. On the loop this is a queue add, not
            // a thread hop.
            ch.eventLoop().execute(readTask);
        }
    }

    @Override
    public void reset(TunnelErrorCode code) {
        Http2StreamChannel ch = channel;
        if (ch == null) {
            return;
        }
        ch.eventLoop().execute(() -> {
            if (finished) {
                return;
            }
            finished = true;
            if (ch.isActive()) {
                ch.writeAndFlush(new DefaultHttp2ResetFrame(code.http2Code())).addListener(f -> ch.close());
            }
        });
    }

    @Override
    public ByteBufAllocator alloc() {
        Http2StreamChannel ch = channel;
        return ch == null ? ByteBufAllocator.DEFAULT : ch.alloc();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2HeadersFrame headers) {
            inboundEnded |= headers.isEndStream();
            safely(() -> listener.onHeaders(headers.headers(), headers.isEndStream()));
        } else if (msg instanceof Http2DataFrame data) {
            inboundEnded |= data.isEndStream();
            // The listener takes over the frame's content (the frame's only reference).
            safely(() -> listener.onData(data.content(), data.isEndStream()));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame rst) {
            if (finished || (inboundEnded && rst.errorCode() == Http2Error.NO_ERROR.code())) {
                // SPEC: RFC 9113 §8.1: a server may reset with NO_ERROR after a complete response.
                finished = true;
                return;
            }
            finished = true;
            TunnelErrorCode code = rst.errorCode() == Http2Error.NO_ERROR.code()
                    ? TunnelErrorCode.CANCEL : TunnelErrorCode.fromHttp2Code(rst.errorCode());
            logger.debug("{} stream {} reset by agent: {}", tunnel.id(), id(), code);
            safely(() -> listener.onReset(code));
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (finished) {
            return;
        }
        if (ctx.channel().isWritable()) {
            maybeNotifyWritable();
        } else if (!callerWaiting) {
            callerWaiting = true;
            safely(() -> listener.onWritabilityChanged(false));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (finished || (inboundEnded && outboundEnded)) {
            finished = true;
            return;
        }
        finished = true;
        TunnelErrorCode code = tunnel.connectionActive() ? TunnelErrorCode.CANCEL : TunnelErrorCode.TUNNEL_CLOSED;
        logger.debug("{} stream {} closed before completion: {}", tunnel.id(), id(), code);
        safely(() -> listener.onReset(code));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2Exception e && !finished) {
            // The codec caught the agent breaking HTTP/2 on this stream (HEADERS where a response cannot have them, a
            // malformed head, more DATA than its content-length...). Right after this, Http2MultiplexHandler resets the
            // stream with the codec's error code: do not close it here, which would send CANCEL first. The relay hears
            // INTERNAL_ERROR, the agent's fault (a 502 if nothing was sent yet), where PROTOCOL_ERROR from the agent
            // would mean that our request was malformed (a 400).
            finished = true;
            logger.info("{} stream {}: the agent broke the protocol ({}): resetting the stream with {}", tunnel.id(), id(),
                    e.getMessage(), e.error().name());
            safely(() -> listener.onReset(TunnelErrorCode.INTERNAL_ERROR));
            return;
        }
        ExpectedErrors.log(logger, tunnel.id() + " stream " + id() + " failed", cause);
        ctx.close();
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            logger.warn("{} stream {} listener threw", tunnel.id(), id(), e);
        }
    }
}
