package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelClientConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Sets up each stream the proxy opens: AUTO_READ off (frames, and the credit they return, move only as fast as the
 * app takes them), the stream's write water marks, and an {@link AgentStreamHandler}.
 */
final class AgentStreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    private final String tunnelId;
    private final TunnelClientConfig config;
    private final AppConnectionPool pool;

    AgentStreamInitializer(String tunnelId, TunnelClientConfig config, AppConnectionPool pool) {
        this.tunnelId = tunnelId;
        this.config = config;
        this.pool = pool;
    }

    @Override
    protected void initChannel(Http2StreamChannel ch) {
        ch.config().setAutoRead(false);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(
                config.settings().streamWriteLowWaterMark(), config.settings().streamWriteHighWaterMark()));
        ch.pipeline().addLast(new AgentStreamHandler(tunnelId + "/" + ch.stream().id(), config, pool));
    }
}
