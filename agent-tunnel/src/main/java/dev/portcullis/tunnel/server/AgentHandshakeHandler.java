package dev.portcullis.tunnel.server;

import dev.portcullis.tunnel.AgentAuthenticationException;
import dev.portcullis.tunnel.AgentAuthenticator;
import dev.portcullis.tunnel.TunnelServerConfig;
import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.internal.ExpectedErrors;
import dev.portcullis.tunnel.internal.HandshakeLines;
import dev.portcullis.tunnel.internal.Http2Codecs;
import dev.portcullis.tunnel.internal.TunnelConnectionHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxy side of the handshake: reads one {@code PORTCULLIS/1 <token>} line, authenticates it on the blocking
 * executor (never the event loop), answers {@code OK}/{@code ERR}, and on success replaces itself with the HTTP/2
 * client. The whole handshake (TLS included) must finish within {@code handshakeTimeout}.
 *
 * <p>Event loop only, except the authenticator call.
 */
final class AgentHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(AgentHandshakeHandler.class);
    private static final Duration AUTH_FAILURE_RETRY_AFTER = Duration.ofSeconds(5);

    private final String id;
    private final TunnelServerConfig config;
    private final AgentAuthenticator authenticator;
    private final TunnelLifecycle lifecycle;
    private ScheduledFuture<?> timeout;
    private boolean lineSeen;

    AgentHandshakeHandler(String id, TunnelServerConfig config, AgentAuthenticator authenticator, TunnelLifecycle lifecycle) {
        this.id = id;
        this.config = config;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Duration limit = config.settings().handshakeTimeout();
        timeout = ctx.executor().schedule(() -> {
            logger.info("{} handshake not finished within {}: closing", id, limit);
            ctx.close();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lineSeen || !(msg instanceof String line)) {
            // Anything after the hello line and before OK is a protocol violation.
            ReferenceCountUtil.release(msg);
            logger.info("{} data before authentication finished: closing", id);
            ctx.close();
            return;
        }
        lineSeen = true;
        Optional<String> token = HandshakeLines.parseHello(line);
        if (token.isEmpty()) {
            logger.info("{} malformed handshake line from {}: closing", id, ctx.channel().remoteAddress());
            refuse(ctx, "malformed handshake", Duration.ZERO);
            return;
        }
        // No more reads until the authenticator answers: nothing else is accepted before authentication.
        ctx.channel().config().setAutoRead(false);
        try {
            config.blockingExecutor().execute(() -> authenticate(ctx, token.get()));
        } catch (RejectedExecutionException e) {
            refuse(ctx, "proxy busy", AUTH_FAILURE_RETRY_AFTER);
        }
    }

    private void authenticate(ChannelHandlerContext ctx, String token) {
        String agentId;
        try {
            agentId = authenticator.authenticate(token);
            if (agentId == null || agentId.isBlank()) {
                throw new AgentAuthenticationException("no agent id");
            }
        } catch (AgentAuthenticationException e) {
            String reason = e.getMessage() == null ? "unauthorized" : e.getMessage();
            Duration retry = e.retryAfter().orElse(AUTH_FAILURE_RETRY_AFTER);
            ctx.executor().execute(() -> {
                logger.info("{} agent token refused: {}", id, reason);
                refuse(ctx, reason, retry);
            });
            return;
        } catch (RuntimeException e) {
            logger.warn("{} authenticator failed", id, e);
            ctx.executor().execute(() -> refuse(ctx, "authentication unavailable", AUTH_FAILURE_RETRY_AFTER));
            return;
        }
        String agent = agentId;
        ctx.executor().execute(() -> accept(ctx, agent));
    }

    private void refuse(ChannelHandlerContext ctx, String reason, Duration retryAfter) {
        cancelTimeout();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HandshakeLines.err(reason, retryAfter)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void accept(ChannelHandlerContext ctx, String agentId) {
        if (!ctx.channel().isActive()) {
            return;
        }
        cancelTimeout();
        TunnelSettings s = config.settings();
        ChannelPipeline p = ctx.pipeline();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(HandshakeLines.ok(id)));
        ProxyTunnel tunnel = new ProxyTunnel(id, agentId, ctx.channel(), s);
        p.addLast("flush", Http2Codecs.flushConsolidation());
        p.addLast("h2", Http2Codecs.proxySide(s));
        // The agent never opens streams; an inbound-stream handler is still required by the API, and refuses.
        p.addLast("h2-mux", new Http2MultiplexHandler(new RefuseInboundStreamHandler()));
        p.addLast("tunnel", new TunnelConnectionHandler(id, s, tunnel::markDraining));
        // SPEC: RFC 9113 §6.9.2: SETTINGS cannot raise the connection window; a WINDOW_UPDATE on stream 0 does.
        int delta = s.connectionWindow() - 65_535;
        if (delta > 0) {
            ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(delta));
        }
        p.remove("line");
        p.remove("string");
        p.remove(this);
        ctx.channel().config().setAutoRead(true);
        logger.info("{} agent {} authenticated from {}", id, agentId, ctx.channel().remoteAddress());
        lifecycle.up(tunnel);
        ctx.channel().closeFuture().addListener(f -> lifecycle.down(tunnel));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
            logger.info("{} handshake line over {} bytes: closing", id, HandshakeLines.MAX_LINE);
        } else {
            ExpectedErrors.log(logger, id + " handshake failed", cause);
        }
        cancelTimeout();
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
