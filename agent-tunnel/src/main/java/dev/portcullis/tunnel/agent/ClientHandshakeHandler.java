package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.internal.ExpectedErrors;
import dev.portcullis.tunnel.internal.HandshakeLines;
import dev.portcullis.tunnel.internal.Http2Codecs;
import dev.portcullis.tunnel.internal.TunnelConnectionHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent side of the handshake: sends the hello line, waits for {@code OK}/{@code ERR}, and on {@code OK} becomes the
 * HTTP/2 server of the tunnel. Bytes the proxy sent right after {@code OK} (its HTTP/2 preface) stay in the line
 * decoder's buffer and reach the HTTP/2 codec when the decoder is removed.
 *
 * <p>Event loop only.
 */
final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(ClientHandshakeHandler.class);

    private final String logId;
    private final TunnelClientConfig config;
    private final String token;
    private final TunnelConnector connector;
    private ScheduledFuture<?> timeout;

    ClientHandshakeHandler(String logId, TunnelClientConfig config, String token, TunnelConnector connector) {
        this.logId = logId;
        this.config = config;
        this.token = token;
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> {
            logger.info("{} handshake not finished within {}: closing", logId, config.settings().handshakeTimeout());
            ctx.close();
        }, config.settings().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // The SslHandler holds this until the TLS handshake is done.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(HandshakeLines.hello(token)));
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof String line)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        cancelTimeout();
        HandshakeLines.Reply reply = HandshakeLines.Reply.parse(line);
        if (!reply.ok()) {
            connector.onRefused(reply.tunnelIdOrReason(), reply.retryAfter());
            ctx.close();
            return;
        }
        TunnelSettings s = config.settings();
        String id = logId + "/" + reply.tunnelIdOrReason();
        ChannelPipeline p = ctx.pipeline();
        p.addLast("flush", Http2Codecs.flushConsolidation());
        p.addLast("h2", Http2Codecs.agentSide(s));
        // Every stream of this connection runs on its event loop, so one pool per connection needs no locking.
        AppConnectionPool pool = new AppConnectionPool(ctx.channel().eventLoop(), config.appMaxIdle(), config.appIdleTimeout());
        ctx.channel().closeFuture().addListener(f -> pool.closeAll());
        p.addLast("h2-mux", new Http2MultiplexHandler(new AgentStreamInitializer(id, config, pool)));
        p.addLast("tunnel", new TunnelConnectionHandler(id, s, () -> { }));
        int delta = s.connectionWindow() - 65_535;
        if (delta > 0) {
            // SPEC: RFC 9113 §6.9.2: only a WINDOW_UPDATE on stream 0 raises the connection window.
            ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(delta));
        }
        // Up before the line decoder goes: removing it hands the bytes it buffered after the OK line (the proxy's
        // first HTTP/2 frames, often in the same TLS record) to the codec at once, and a stream may be served then.
        connector.onUp(reply.tunnelIdOrReason());
        p.remove(this);
        p.remove("string");
        p.remove("line");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ExpectedErrors.log(logger, logId + " tunnel handshake failed", cause);
        cancelTimeout();
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
