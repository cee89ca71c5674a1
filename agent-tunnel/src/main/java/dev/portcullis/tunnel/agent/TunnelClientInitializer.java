package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.internal.HandshakeLines;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Pipeline of an agent's tunnel connection before authentication: TLS (hostname verified), then the handshake. */
final class TunnelClientInitializer extends ChannelInitializer<SocketChannel> {
    private final String logId;
    private final TunnelClientConfig config;
    private final String token;
    private final TunnelConnector connector;

    TunnelClientInitializer(String logId, TunnelClientConfig config, String token, TunnelConnector connector) {
        this.logId = logId;
        this.config = config;
        this.token = token;
        this.connector = connector;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        SslHandler tls = config.sslContext().newHandler(ch.alloc(), config.serverName(), config.proxyPort());
        SSLEngine engine = tls.engine();
        SSLParameters params = engine.getSSLParameters();
        // Hostname verification is off by default in SSLEngine: without this any certificate of a trusted CA passes.
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        ch.pipeline()
                .addLast("tls", tls)
                .addLast("line", new LineBasedFrameDecoder(HandshakeLines.MAX_LINE, true, true))
                .addLast("string", new StringDecoder(StandardCharsets.US_ASCII))
                .addLast("handshake", new ClientHandshakeHandler(logId, config, token, connector));
    }
}
