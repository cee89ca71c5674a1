package dev.portcullis.tunnel.server;

import dev.portcullis.tunnel.AgentAuthenticator;
import dev.portcullis.tunnel.TunnelServerConfig;
import dev.portcullis.tunnel.internal.HandshakeLines;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pipeline of a fresh agent connection: TLS, then a bounded line decoder and the handshake handler. Nothing but the
 * handshake line is understood until the agent is authenticated; the handshake handler then swaps in HTTP/2.
 */
public final class TunnelServerInitializer extends ChannelInitializer<SocketChannel> {
    private final TunnelServerConfig config;
    private final AgentAuthenticator authenticator;
    private final TunnelLifecycle lifecycle;
    private final AtomicLong ids = new AtomicLong();

    public TunnelServerInitializer(TunnelServerConfig config, AgentAuthenticator authenticator, TunnelLifecycle lifecycle) {
        this.config = config;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        String id = "t-" + Long.toHexString(ids.incrementAndGet()) + "-" + Integer.toHexString(ch.localAddress().getPort());
        ch.pipeline()
                .addLast("tls", config.sslContext().newHandler(ch.alloc()))
                .addLast("line", new LineBasedFrameDecoder(HandshakeLines.MAX_LINE, true, true))
                .addLast("string", new StringDecoder(StandardCharsets.US_ASCII))
                .addLast("handshake", new AgentHandshakeHandler(id, config, authenticator, lifecycle));
    }
}
