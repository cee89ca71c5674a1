package dev.portcullis.tunnel.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The app connection's end of an {@link AgentStreamHandler}: hands every event to the stream it is bound to. The app
 * connection runs on the stream's event loop with AUTO_READ off, so both ends of the pair share one thread and need
 * no locking. Unbound, the connection is idle in the {@link AppConnectionPool}: bytes from the app then are a
 * protocol violation and close it; a close simply ends it (the pool skips closed connections).
 */
final class AppConnectionHandler extends ChannelInboundHandlerAdapter {
    private AgentStreamHandler stream; // null while idle in the pool

    AppConnectionHandler(AgentStreamHandler stream) {
        this.stream = stream;
    }

    /** A pooled connection starts serving {@code next}. */
    void bind(AgentStreamHandler next) {
        stream = next;
    }

    /** The stream is done with this connection (it goes back to the pool, or is being replaced). */
    void unbind() {
        stream = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        AgentStreamHandler s = stream;
        if (s != null) {
            s.appRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close(); // an idle connection has nothing to say
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        AgentStreamHandler s = stream;
        if (s != null) {
            s.appReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        AgentStreamHandler s = stream;
        if (evt == ChannelInputShutdownEvent.INSTANCE && s != null) {
            s.appInputShutdown();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        AgentStreamHandler s = stream;
        if (s != null) {
            s.appWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        AgentStreamHandler s = stream;
        if (s != null) {
            s.appInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        AgentStreamHandler s = stream;
        if (s != null) {
            s.appFailed(cause);
        } else {
            ctx.close();
        }
    }
}
