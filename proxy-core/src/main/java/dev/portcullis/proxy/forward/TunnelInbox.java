package dev.portcullis.proxy.forward;

import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries a stream's response head and DATA from the tunnel's event loop to the client connection's XNIO I/O thread
 * with at most one hop task queued at a time: a batch of frames costs one task (and at most one selector wake-up), not
 * one per frame, and a small response (HEADERS, DATA, END_STREAM read together) costs one hop in all. Order is kept:
 * every event offered is taken by a task queued no later than any event the caller hops afterwards.
 *
 * <p>Bounded by the caller: it asks the stream for frames only while under its budget (see {@link ReadAhead}). Buffers
 * are owned by the inbox until handed to the sink, which then owns them.
 */
final class TunnelInbox {
    /** Where taken events go, on the I/O thread; same contracts as {@link TunnelStreamListener}'s methods. */
    interface Sink {
        void onHeaders(Http2Headers headers, boolean endOfStream);

        void onData(ByteBuf data, boolean endOfStream);
    }

    private record Head(Http2Headers headers, boolean endOfStream) {}

    private static final Object END = new Object();

    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor ioThread;
    private final Sink sink;
    private final Runnable take = this::take;

    TunnelInbox(Executor ioThread, Sink sink) {
        this.ioThread = ioThread;
        this.sink = sink;
    }

    /** Event loop: queues a response head (or trailers) and schedules a take unless one is already queued. */
    void offerHeaders(Http2Headers headers, boolean endOfStream) {
        queue.add(new Head(headers, endOfStream));
        schedule();
    }

    /** Event loop: queues {@code data} and schedules a take unless one is already queued. */
    void offer(ByteBuf data, boolean endOfStream) {
        queue.add(data);
        if (endOfStream) {
            queue.add(END);
        }
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            ioThread.execute(take);
        }
    }

    /** I/O thread: hands over everything queued so far. */
    private void take() {
        scheduled.set(false);
        Object next;
        while ((next = queue.poll()) != null) {
            if (next == END) {
                sink.onData(Unpooled.EMPTY_BUFFER, true);
            } else if (next instanceof Head head) {
                sink.onHeaders(head.headers(), head.endOfStream());
            } else if (queue.peek() == END) {
                queue.poll();
                sink.onData((ByteBuf) next, true);
            } else {
                sink.onData((ByteBuf) next, false);
            }
        }
    }
}
