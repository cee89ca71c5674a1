package dev.portcullis.loadtests.ws;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Opens WebSockets to one {@link WsTarget} on a shared Netty event loop group. Each connection's pipeline ends with
 * the handler the caller supplies; the returned future completes once the server's 101 has been accepted (or fails
 * with the reason: refused, timed out, a non-101 answer).
 */
final class WsClient implements AutoCloseable {
    private static final int MAX_FRAME = 1 << 20;
    private static final long HANDSHAKE_TIMEOUT_MS = 30_000;

    private final WsTarget target;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final HttpHeaders headers;

    WsClient(WsTarget target, int threads) {
        this.target = requireNonNull(target, "target");
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.headers = new DefaultHttpHeaders();
        if (target.token() != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + target.token());
        }
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) HANDSHAKE_TIMEOUT_MS);
    }

    /** Connects one WebSocket; {@code app} is added after the WebSocket codec (a new instance per connection). */
    Future<Channel> open(Supplier<ChannelHandler> app) {
        Promise<Channel> upgraded = group.next().newPromise();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(target.uri())
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_FRAME)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
                .dropPongFrames(true)
                .build();
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config),
                        new UpgradeWatch(upgraded),
                        app.get());
            }
        }).connect(target.host(), target.port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                upgraded.tryFailure(f.cause());
            }
        });
        return upgraded;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Completes {@code upgraded} on the 101, fails it on a timeout or an early close. Event loop only. */
    private static final class UpgradeWatch extends ChannelInboundHandlerAdapter {
        private final Promise<Channel> upgraded;

        UpgradeWatch(Promise<Channel> upgraded) {
            this.upgraded = upgraded;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                upgraded.trySuccess(ctx.channel());
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                upgraded.tryFailure(new IllegalStateException("no 101 within " + HANDSHAKE_TIMEOUT_MS + " ms"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            upgraded.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upgraded.tryFailure(new IllegalStateException("closed before the 101"));
            ctx.fireChannelInactive();
        }
    }
}
