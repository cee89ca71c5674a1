package dev.portcullis.tunnel.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The app connection's end of an {@link AgentStreamHandler}: hands every event to it. The app connection runs on the
 * stream's event loop with AUTO_READ off, so both ends of the pair share one thread and need no locking.
 */
final class AppConnectionHandler extends ChannelInboundHandlerAdapter {
    private final AgentStreamHandler stream;

    AppConnectionHandler(AgentStreamHandler stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        stream.appRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.appReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            stream.appInputShutdown();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        stream.appWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.appInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stream.appFailed(cause);
    }
}
