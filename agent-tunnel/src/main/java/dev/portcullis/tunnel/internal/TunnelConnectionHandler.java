package dev.portcullis.tunnel.internal;

import dev.portcullis.tunnel.TunnelSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level upkeep of a tunnel, in both roles; sits after the HTTP/2 codec and multiplexer on the parent
 * channel. Sends a PING every {@code pingInterval} and drops the connection (no GOAWAY: the peer is presumed dead) if
 * its ACK does not come within {@code pingTimeout}. Reports a received GOAWAY. (Unknown frames never reach this
 * handler: Netty drops them on stream 0 and on missing streams, and routes the rest to the stream's channel;
 * {@link UnknownFrameGuard} counts them as they are read and answers a flood with GOAWAY.)
 *
 * <p>Event loop only.
 */
public final class TunnelConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(TunnelConnectionHandler.class);

    private final String logId;
    private final TunnelSettings settings;
    private final Runnable onGoAway;

    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> pingTimeoutTask;
    private long outstandingPing = -1;

    /** @param onGoAway runs on the event loop when the peer sends GOAWAY */
    public TunnelConnectionHandler(String logId, TunnelSettings settings, Runnable onGoAway) {
        this.logId = logId;
        this.settings = settings;
        this.onGoAway = onGoAway;
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
        if (cause instanceof Http2FrameStreamException || cause instanceof Http2Exception) {
            // The codec reports HTTP/2 errors here BEFORE handling them itself: a stream error has reset that one
            // stream, a connection error is followed by GOAWAY with its code (ENHANCE_YOUR_CALM for floods) and a
            // close. Closing here would send GOAWAY(NO_ERROR) first and kill every stream for one bad one.
            logger.info("{} HTTP/2 error from the peer: {}", logId, cause.getMessage());
            return;
        }
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
