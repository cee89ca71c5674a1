package dev.portcullis.tunnel.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the frames a tunnel peer may send for free and the HTTP/2 stack would silently drop (SECURITY row 31), and
 * answers a flood with GOAWAY(ENHANCE_YOUR_CALM) and a close: frames of unknown type on any stream (RFC 9113 §4.1
 * says ignore them; Netty drops those on stream 0 and on missing streams before any handler sees them) and PRIORITY
 * frames for streams that do not exist. More than {@code max} of them within {@code window} trips it.
 *
 * <p>It observes frames as the frame reader parses them, before the decoder's own checks, which is why it is an
 * {@link Http2FrameLogger} (Netty's only hook at that point): the inbound logger is called for every frame read.
 * Frames whose loss is normal in races (DATA, WINDOW_UPDATE or RST_STREAM after a stream ended) are not counted.
 *
 * <p>One instance per connection; event loop only (the counter is readable from any thread).
 */
public final class UnknownFrameGuard extends Http2FrameLogger {
    private static final Logger logger = LoggerFactory.getLogger(UnknownFrameGuard.class);

    private final int max;
    private final Duration window;
    private final AtomicLong total = new AtomicLong();
    private long windowStart = System.nanoTime();
    private int inWindow;
    private boolean tripped;

    public UnknownFrameGuard(int max, Duration window) {
        super(LogLevel.TRACE, UnknownFrameGuard.class);
        this.max = max;
        this.window = window;
    }

    /** Ignorable frames received on this connection so far. */
    public long ignorableFrames() {
        return total.get();
    }

    @Override
    public void logUnknownFrame(Direction direction, ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
            ByteBuf data) {
        if (direction == Direction.INBOUND) {
            count(ctx, "unknown frame type 0x" + Integer.toHexString(frameType & 0xff) + " on stream " + streamId);
        }
        super.logUnknownFrame(direction, ctx, frameType, streamId, flags, data);
    }

    @Override
    public void logPriority(Direction direction, ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
            boolean exclusive) {
        if (direction == Direction.INBOUND && ctx.handler() instanceof Http2ConnectionHandler h && h.connection().stream(streamId) == null) {
            count(ctx, "PRIORITY for unknown stream " + streamId);
        }
        super.logPriority(direction, ctx, streamId, streamDependency, weight, exclusive);
    }

    private void count(ChannelHandlerContext ctx, String what) {
        total.incrementAndGet();
        long now = System.nanoTime();
        if (now - windowStart > window.toNanos()) {
            windowStart = now;
            inWindow = 0;
        }
        inWindow++;
        logger.debug("{} ignored {} ({} in this window)", ctx.channel(), what, inWindow);
        if (inWindow > max && !tripped && ctx.handler() instanceof Http2ConnectionHandler h) {
            tripped = true;
            logger.warn("{} more than {} ignorable frames within {} (last: {}): GOAWAY ENHANCE_YOUR_CALM", ctx.channel(), max, window, what);
            // The same path as Netty's own flood limits: GOAWAY with the error, then close.
            h.onError(ctx, false, Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "more than %d ignorable frames within %s", max, window));
        }
    }
}
