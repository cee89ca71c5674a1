package dev.portcullis.proxy;

import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.internal.HandshakeLines;
import dev.portcullis.tunnel.internal.Http2Codecs;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A broken or hostile agent for tests of the proxy's side of the tunnel. It dials the tunnel and authenticates as a
 * real agent does (TLS, the hello line, {@code OK}, then the HTTP/2 server role with the real codec settings), but
 * serves every stream the proxy opens with a handler the test scripts, instead of relaying to an app. The real agent
 * never sends what these scripts send, so the proxy's answers to them can be tested only this way.
 */
final class ScriptedAgent implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private ScriptedAgent() {}

    /**
     * Connects as {@code agentId} to {@code kit}'s tunnel listener and returns once the proxy can route to it. Each
     * stream gets a new handler from {@code script}, which sees the stream's frames (Http2HeadersFrame,
     * Http2DataFrame) and its resets (Http2ResetFrame as a user event).
     */
    static ScriptedAgent connect(ProxyTestKit kit, String agentId, Supplier<ChannelHandler> script) throws Exception {
        ScriptedAgent agent = new ScriptedAgent();
        try {
            agent.dial(kit, agentId, script);
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void dial(ProxyTestKit kit, String agentId, Supplier<ChannelHandler> script) throws Exception {
        SslContext ssl = TunnelTls.forClient().trustManager(kit.tunnelCertificate().toFile()).build();
        CompletableFuture<String> reply = new CompletableFuture<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("tls", ssl.newHandler(ch.alloc(), "localhost", kit.proxy.tunnelAddress().getPort()))
                                .addLast("line", new LineBasedFrameDecoder(HandshakeLines.MAX_LINE, true, true))
                                .addLast("string", new StringDecoder(StandardCharsets.US_ASCII))
                                .addLast("handshake", new Handshake(kit.agentToken(agentId), script, reply));
                    }
                })
                .connect(kit.proxy.tunnelAddress())
                .sync()
                .channel();
        channel.closeFuture().addListener(f -> reply.completeExceptionally(new IllegalStateException("tunnel closed")));
        String line = reply.get(10, TimeUnit.SECONDS);
        if (!line.startsWith("OK")) {
            throw new IllegalStateException("the proxy refused the scripted agent: " + line);
        }
        ProxyTestKit.await(() -> kit.proxy.tunnelServer().tunnel(agentId).isPresent(), Duration.ofSeconds(10));
    }

    /**
     * Sends a HEADERS frame with one header on the stream of {@code stream} (a stream handler's context), written under
     * the HTTP/2 codec: Netty's encoder refuses HEADERS where a response cannot have them, which is what these tests
     * need to send. What the stream wrote before is flushed first and the frame is written in a later task of the event
     * loop (a stream's flush during the tunnel's read waits for the read to complete), so it goes out after them. The header block is
     * one literal without indexing (RFC 7541 §6.2.2): it leaves both HPACK tables as they were.
     */
    static void rawHeaders(ChannelHandlerContext stream, String name, String value, boolean endStream) {
        stream.flush();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        if (n.length > 126 || v.length > 126) {
            throw new IllegalArgumentException("a short header only (7-bit lengths)");
        }
        ByteBuf frame = Unpooled.buffer();
        int length = 3 + n.length + v.length;
        frame.writeMedium(length);
        frame.writeByte(0x1); // HEADERS
        frame.writeByte(0x4 | (endStream ? 0x1 : 0)); // END_HEADERS, END_STREAM
        frame.writeInt(((Http2StreamChannel) stream.channel()).stream().id());
        frame.writeByte(0x00).writeByte(n.length).writeBytes(n).writeByte(v.length).writeBytes(v);
        stream.executor().execute(() -> stream.channel().parent().pipeline().context("h2").writeAndFlush(frame));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends the hello line; on OK becomes the HTTP/2 server of the tunnel, as the real agent does. */
    private static final class Handshake extends ChannelInboundHandlerAdapter {
        private final String token;
        private final Supplier<ChannelHandler> script;
        private final CompletableFuture<String> reply;

        Handshake(String token, Supplier<ChannelHandler> script, CompletableFuture<String> reply) {
            this.token = token;
            this.script = script;
            this.reply = reply;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HandshakeLines.hello(token)));
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof String line)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (line.startsWith("OK")) {
                ctx.pipeline().addLast("h2", Http2Codecs.agentSide(TunnelSettings.defaults()));
                ctx.pipeline().addLast("h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(script.get());
                    }
                }));
                // As in the real agent: the bytes the line decoder holds after OK (the proxy's preface) reach the codec.
                ctx.pipeline().remove(this);
                ctx.pipeline().remove("string");
                ctx.pipeline().remove("line");
            } else {
                ctx.close();
            }
            reply.complete(line);
        }
    }
}
