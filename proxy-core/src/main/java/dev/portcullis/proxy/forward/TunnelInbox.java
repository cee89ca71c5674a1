package dev.portcullis.proxy.forward;

import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries a stream's DATA from the tunnel's event loop to the client connection's XNIO I/O thread with at most one
 * hop task queued at a time: a batch of frames costs one task (and at most one selector wake-up), not one per frame.
 * Order is kept: every buffer offered is taken by a task queued no later than any event the caller hops afterwards.
 *
 * <p>Bounded by the caller: it asks the stream for one batch at a time (see {@link HttpExchangeRelay}). Buffers are
 * owned by the inbox until handed to the sink, which then owns them.
 */
final class TunnelInbox {
    /** Where taken buffers go, on the I/O thread; same contract as {@link TunnelStreamListener#onData}. */
    interface Sink {
        void onData(ByteBuf data, boolean endOfStream);
    }

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

    /** Event loop: queues {@code data} and schedules a take unless one is already queued. */
    void offer(ByteBuf data, boolean endOfStream) {
        queue.add(data);
        if (endOfStream) {
            queue.add(END);
        }
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
            } else if (queue.peek() == END) {
                queue.poll();
                sink.onData((ByteBuf) next, true);
            } else {
                sink.onData((ByteBuf) next, false);
            }
        }
    }
}
