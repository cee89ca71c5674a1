package dev.portcullis.tunnel.internal;

import dev.portcullis.tunnel.TunnelSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2UnknownFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level upkeep of a tunnel, in both roles; sits after the HTTP/2 codec and multiplexer on the parent
 * channel. Sends a PING every {@code pingInterval} and drops the connection (no GOAWAY: the peer is presumed dead) if
 * its ACK does not come within {@code pingTimeout}. Reports a received GOAWAY, counts and drops unknown frames
 * (SPEC: RFC 9113 §4.1 says ignore them; a threshold that answers GOAWAY(ENHANCE_YOUR_CALM) would go here).
 *
 * <p>Event loop only.
 */
public final class TunnelConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(TunnelConnectionHandler.class);

    private final String logId;
    private final TunnelSettings settings;
    private final Runnable onGoAway;
    private final AtomicLong unknownFrames = new AtomicLong();

    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> pingTimeoutTask;
    private long outstandingPing = -1;

    /** @param onGoAway runs on the event loop when the peer sends GOAWAY */
    public TunnelConnectionHandler(String logId, TunnelSettings settings, Runnable onGoAway) {
        this.logId = logId;
        this.settings = settings;
        this.onGoAway = onGoAway;
    }

    /** Unknown frames received so far (thread-safe). */
    public long unknownFrames() {
        return unknownFrames.get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long interval = settings.pingInterval().toMillis();
        pingTask = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
    }

    private void ping(ChannelHandlerContext ctx) {
        if (outstandingPing != -1 || !ctx.channel().isActive()) {
            return; // the timeout task owns an unanswered ping
        }
        long nonce = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        outstandingPing = nonce;
        ctx.writeAndFlush(new DefaultHttp2PingFrame(nonce));
        pingTimeoutTask = ctx.executor().schedule(() -> {
            if (outstandingPing == nonce) {
                logger.warn("{} no PING ACK within {}: closing the tunnel", logId, settings.pingTimeout());
                // Close below the TLS and HTTP/2 handlers: the peer is unresponsive, a graceful close would only wait.
                ctx.pipeline().firstContext().close();
            }
        }, settings.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2PingFrame ping) {
                if (ping.ack() && ping.content() == outstandingPing) {
                    outstandingPing = -1;
                    if (pingTimeoutTask != null) {
                        pingTimeoutTask.cancel(false);
                    }
                }
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                logger.info("{} GOAWAY received (error {}, last stream {})", logId, goAway.errorCode(), goAway.lastStreamId());
                onGoAway.run();
            } else if (msg instanceof Http2UnknownFrame unknown) {
                long n = unknownFrames.incrementAndGet();
                logger.debug("{} ignored unknown frame type {} (total {})", logId, unknown.frameType(), n);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ExpectedErrors.log(logger, logId + " tunnel connection failed", cause);
        ctx.close();
    }

    private void cancelTimers() {
        if (pingTask != null) {
            pingTask.cancel(false);
        }
        if (pingTimeoutTask != null) {
            pingTimeoutTask.cancel(false);
        }
    }
}
