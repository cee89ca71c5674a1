package dev.portcullis.tunnel.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Sits between TLS and the HTTP/2 codec of a tunnel connection and turns every flush issued during one turn of the
 * event loop into one: the first flush of a turn queues a task on the event loop, which runs after the loop has handled
 * this turn's I/O and the tasks queued before it, and flushes once. A turn typically issues many flushes: response
 * frames of many streams whose app connections became readable together (agent), request HEADERS and DATA written by
 * tasks from many client connections (proxy), WINDOW_UPDATEs while reading. Merged, TLS wraps them into fuller records
 * and the socket sees one write instead of one per stream.
 *
 * <p>Why not Netty's {@code FlushConsolidationHandler}: outside a read it defers only with
 * {@code consolidateWhenNoReadInProgress}, and then its scheduled flush does nothing (and schedules nothing again) if
 * it runs while a read looks in progress, which is what happens when TLS swallows a read-complete; a response's last
 * frames then stayed unflushed under 100 concurrent streams. Here the task always flushes what is pending, a
 * read-complete flushes at once, and nothing pending survives a close.
 *
 * <p>Event loop only; one per connection (not sharable).
 */
public final class BatchingFlushHandler extends ChannelDuplexHandler {
    private ChannelHandlerContext ctx;
    private boolean pending;
    private boolean taskQueued;
    private final Runnable endOfTurn = this::endOfTurn;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        pending = true;
        queueEndOfTurn();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Replies to what was just read go out now, before the loop turns to other channels.
        flushIfPending();
        ctx.fireChannelReadComplete();
    }

    private void queueEndOfTurn() {
        if (!taskQueued) {
            taskQueued = true;
            ctx.executor().execute(endOfTurn);
        }
    }

    private void endOfTurn() {
        taskQueued = false;
        flushIfPending();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            // Much is queued: let the socket take it now rather than at the end of the turn.
            flushIfPending();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushIfPending();
        ctx.close(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushIfPending();
        ctx.disconnect(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        flushIfPending();
    }

    private void flushIfPending() {
        if (pending) {
            pending = false;
            ctx.flush();
        }
    }
}
