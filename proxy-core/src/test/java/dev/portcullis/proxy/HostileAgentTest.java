package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelHeaders;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy against an agent that breaks the tunnel protocol in ways the real agent never does ({@link ScriptedAgent}):
 * HEADERS where a response cannot have them. The client must see a cut connection or a cut body (never a response
 * that looks complete), and the agent's stream must be reset with PROTOCOL_ERROR.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileAgentTest {
    private ProxyTestKit kit;
    private ScriptedAgent agent;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void headersAfterTheSwitchCutTheUpgradedConnectionAndResetTheStream() throws Exception {
        // HEADERS without END_STREAM: Netty's decoder in the proxy rejects them before the relay sees them.
        upgradeThenHeaders(false);
    }

    @Test
    void trailersAfterTheSwitchCutTheUpgradedConnectionAndResetTheStream() throws Exception {
        // HEADERS with END_STREAM pass HTTP/2's rules as trailers; the raw pipe refuses them (the upgraded stream
        // carries bytes only).
        upgradeThenHeaders(true);
    }

    /**
     * The agent accepts a WebSocket upgrade, and once the client's first frame has come through the raw pipe (so the
     * pipe runs), sends a HEADERS frame on the upgraded stream.
     */
    private void upgradeThenHeaders(boolean endStream) throws Exception {
        CompletableFuture<String> relayed = new CompletableFuture<>();
        CompletableFuture<Long> reset = new CompletableFuture<>();
        start(() -> new Script(reset) {
            @Override
            void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame request) {
                Http2Headers switched = new DefaultHttp2Headers().status("200");
                switched.set(TunnelHeaders.STATUS, "101");
                switched.set("sec-websocket-accept", accept(request.headers().get("sec-websocket-key")));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(switched, false));
            }

            @Override
            void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
                relayed.complete(ByteBufUtil.hexDump(data.content()));
                ScriptedAgent.rawHeaders(ctx, "x-late", "1", endStream);
            }
        });
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = kit.http.newWebSocket(kit.authorized("/s/sess-a/app/ws").build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                webSocket.send("hello");
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                closed.complete(code);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                failure.complete(t);
            }
        });
        try {
            assertThat(relayed.get(10, TimeUnit.SECONDS)).as("the client's frame reached the agent").isNotEmpty();
            assertThat(reset.get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.PROTOCOL_ERROR.http2Code());
            // The client sees its connection cut (no close frame): an error, never a clean close.
            assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThat(closed).isNotDone();
        } finally {
            ws.cancel();
        }
    }

    @Test
    void headersInTheMiddleOfABodyCutTheResponseAndResetTheStream() throws Exception {
        CompletableFuture<Long> reset = new CompletableFuture<>();
        start(() -> new Script(reset) {
            @Override
            void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame request) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200").set("content-type", "text/plain"), false));
                ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("the first half, ", StandardCharsets.US_ASCII), false));
                // HEADERS without END_STREAM in the middle of a body: neither trailers nor anything else.
                ScriptedAgent.rawHeaders(ctx, "x-middle", "1", false);
            }
        });
        // The head and the first half may or may not reach the client before the cut; either way the response must
        // fail to read (a chunked body without its last chunk, or no response at all), never end as if complete.
        assertThatThrownBy(() -> {
            try (Response response = kit.http.newCall(kit.authorized("/s/sess-a/app/page").build()).execute()) {
                response.body().string();
            }
        }).isInstanceOf(IOException.class);
        assertThat(reset.get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.PROTOCOL_ERROR.http2Code());
    }

    @Test
    void aResponseHeadWithoutStatusIsA502AndResetsTheStream() throws Exception {
        // Passes HTTP/2's checks in the proxy's codec; the relay refuses it.
        malformedHead("x-no-status");
    }

    @Test
    void aResponseHeadWithAnUppercaseNameIsA502AndResetsTheStream() throws Exception {
        // Netty's decoder in the proxy refuses it (RFC 9113 §8.2.1) before the relay sees it.
        malformedHead("X-Upper");
    }

    /**
     * The agent's response head carries one header, {@code name}, and no :status. Without END_STREAM, so that the
     * stream is still open for the proxy's reset (a stream both sides ended cannot be reset).
     */
    private void malformedHead(String name) throws Exception {
        CompletableFuture<Long> reset = new CompletableFuture<>();
        start(() -> new Script(reset) {
            @Override
            void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame request) {
                ScriptedAgent.rawHeaders(ctx, name, "1", false);
            }
        });
        try (Response response = kit.http.newCall(kit.authorized("/s/sess-a/app/page").build()).execute()) {
            // The agent's fault, not the client's: 502 (app-unreachable), never a 400.
            assertThat(response.code()).isEqualTo(502);
            assertThat(response.body().string()).contains("app-unreachable");
        }
        assertThat(reset.get(10, TimeUnit.SECONDS)).isEqualTo(TunnelErrorCode.PROTOCOL_ERROR.http2Code());
    }

    private void start(Supplier<ChannelHandler> script) throws Exception {
        kit = ProxyTestKit.startWithoutAgent(1);
        agent = ScriptedAgent.connect(kit, ProxyTestKit.AGENT, script);
    }

    private static String accept(CharSequence key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** One stream of the scripted agent: the request head, DATA, and the proxy's RST_STREAM (its error code). */
    private abstract static class Script extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Long> reset;
        private boolean headSeen;

        Script(CompletableFuture<Long> reset) {
            this.reset = reset;
        }

        abstract void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame request);

        void onData(ChannelHandlerContext ctx, Http2DataFrame data) {}

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h && !headSeen) {
                    headSeen = true;
                    onHeaders(ctx, h);
                } else if (msg instanceof Http2DataFrame d && d.content().isReadable()) {
                    onData(ctx, d);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame rst) {
                reset.complete(rst.errorCode());
            }
            ReferenceCountUtil.release(evt);
        }
    }
}
