package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/** Opens the agent's connections to apps: HTTP/1.1 client pipeline, AUTO_READ off, on the stream's event loop. */
final class AppConnections {
    /** Name of the HTTP codec in the app pipeline; removed after a 101. */
    static final String HTTP_CODEC = "http";

    private AppConnections() {}

    /**
     * Connects to {@code appHost:port}. {@code appHost} is a literal IP (checked by the config), so no name is
     * resolved on the event loop.
     */
    static ChannelFuture connect(EventLoop loop, TunnelSettings settings, String appHost, int port, ChannelHandler handler) {
        InetSocketAddress target = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(appHost), port);
        return new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpDecoderConfig decoder = new HttpDecoderConfig()
                                .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, settings.maxHeaderListSize()))
                                .setMaxChunkSize(settings.maxFrameSize());
                        ch.pipeline().addLast(HTTP_CODEC, new HttpClientCodec(decoder, false, false));
                        ch.pipeline().addLast("app", handler);
                    }
                })
                .connect(target);
    }
}
