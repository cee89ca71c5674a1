package dev.portcullis.loadtests.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One socket of an echo run: sends the payload, waits for it to come back, records the round trip, sends again
 * (one message in flight per socket: a closed loop, so latency is not inflated by the tool's own queueing).
 * Event loop only.
 */
final class EchoLoop extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final EchoRun run;
    private long sentAt;
    private ChannelHandlerContext ctx;

    EchoLoop(EchoRun run) {
        this.run = run;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts the loop; call on the channel's event loop. */
    void start() {
        send();
    }

    private void send() {
        sentAt = System.nanoTime();
        ctx.writeAndFlush(new TextWebSocketFrame(run.payload())).addListener(f -> {
            if (!f.isSuccess()) {
                run.error();
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long now = System.nanoTime();
        if (!(frame instanceof TextWebSocketFrame) || frame.content().readableBytes() != run.payloadBytes()) {
            run.error(); // the echo must be the same text message, whole
        } else {
            run.echoed(now - sentAt);
        }
        if (run.phase() != EchoRun.Phase.STOP) {
            send();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (run.phase() != EchoRun.Phase.STOP) {
            run.error(); // the server closed a socket mid-run
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        run.error();
        ctx.close();
    }
}
