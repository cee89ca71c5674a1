package dev.portcullis.proxy.forward;

import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Pipes the raw bytes of an upgraded connection (WebSocket after the app's 101) between the client's
 * {@link StreamConnection} and a tunnel stream, both ways with back-pressure: the client is read only while the stream
 * is writable, and the stream is read ahead by the relay's {@link ReadAhead} (from the event loop, no hop per batch)
 * while the bytes delivered but not yet written to the client stay under its budget; the pipe reports every byte it
 * writes or drops. A half-close
 * (client EOF, or END_STREAM from the agent) closes one direction; an error on either side aborts both (RST_STREAM /
 * close).
 *
 * <p>Confined to the connection's XNIO I/O thread: callers hop there first. Owns the ByteBufs it queues.
 */
final class RawPipe {
    private static final Logger logger = LoggerFactory.getLogger(RawPipe.class);
    /** Largest read from the client per DATA frame (a WebSocket message is usually far smaller). */
    private static final int READ_CHUNK = 16 << 10;

    private final String id;
    private final StreamConnection connection;
    private final TunnelStream stream;
    private final ByteBufferPool pool;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private final LiveConnection live;
    private final ServerFrameBoundary frames = new ServerFrameBoundary();
    /** Told every byte from the stream that reached the client or was dropped (the relay's read-ahead budget). */
    private final LongConsumer released;
    private boolean clientEof;
    private boolean agentEof;
    private boolean closed;
    /** A policy close is under way (see {@link PolicyClose}); null otherwise. */
    private PolicyClose policyClose;

    RawPipe(String id, StreamConnection connection, TunnelStream stream, ByteBufferPool pool, LiveConnection live,
            LongConsumer released) {
        this.id = id;
        this.released = released;
        this.live = live;
        this.connection = connection;
        this.stream = stream;
        this.pool = pool;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
    }

    /** Starts both directions; {@code early} holds what the app sent right after its 101 (taken over, in order). */
    void start(OutboundQueue early, boolean earlyEnd) {
        source.getReadSetter().set(ch -> pumpClientToAgent());
        sink.getWriteSetter().set(ch -> drainToClient());
        connection.setCloseListener(c -> abort(TunnelErrorCode.CANCEL, "client connection closed"));
        live.closer(this::closeForPolicy);
        early.drainTo(pending);
        agentEof = earlyEnd;
        pumpClientToAgent();
        drainToClient();
    }

    // clientToProxy -> proxyToAgent
    void pumpClientToAgent() {
        if (closed || clientEof || policyClose != null) {
            return;
        }
        try {
            while (stream.isWritable()) {
                // Read straight into the outbound buffer: no copy out of an Undertow buffer.
                ByteBuf out = stream.alloc().directBuffer(READ_CHUNK);
                int n = read(out);
                if (n == 0) {
                    out.release();
                    source.resumeReads();
                    return;
                }
                if (n < 0) {
                    out.release();
                    // SPEC: half-close, not abort: END_STREAM toward the app.
                    clientEof = true;
                    source.suspendReads();
                    stream.write(Unpooled.EMPTY_BUFFER, true);
                    closeIfBothDone();
                    return;
                }
                live.countIn(n);
                if (logger.isTraceEnabled()) {
                    logger.trace("{} client->agent {} bytes", id, n);
                }
                stream.write(out, false);
            }
            logger.trace("{} stream not writable: client reads suspended", id);
            source.suspendReads();
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "reading from the client failed: " + e);
        }
    }

    /** One read from the client into {@code out}; releases {@code out} if the read fails. */
    private int read(ByteBuf out) throws IOException {
        try {
            int n = source.read(out.nioBuffer(out.writerIndex(), out.writableBytes()));
            if (n > 0) {
                out.writerIndex(out.writerIndex() + n);
            }
            return n;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    // agentToProxy -> proxyToClient
    void onData(ByteBuf data, boolean endOfStream) {
        if (logger.isTraceEnabled()) { // per frame: skip the varargs array and boxing when trace is off
            logger.trace("{} agent->client {} bytes{}", id, data.readableBytes(), endOfStream ? " + EOF" : "");
        }
        if (closed) {
            released.accept(data.readableBytes());
            data.release();
            return;
        }
        if (data.isReadable()) {
            pending.add(data);
        } else {
            data.release();
        }
        agentEof |= endOfStream;
        drainToClient();
    }

    private void drainToClient() {
        if (closed) {
            return;
        }
        if (policyClose != null) {
            policyClose.drain();
            return;
        }
        try {
            while (!pending.isEmpty()) {
                ByteBuf head = pending.peek();
                written(head, sink.write(head.nioBuffer()));
                if (head.isReadable()) {
                    sink.resumeWrites();
                    return;
                }
                pending.poll().release();
            }
            if (!sink.flush()) {
                sink.resumeWrites();
                return;
            }
            sink.suspendWrites();
            if (agentEof) {
                sink.shutdownWrites();
                sink.flush();
                closeIfBothDone();
            }
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "writing to the client failed: " + e);
        }
    }

    void onWritable() {
        pumpClientToAgent();
    }

    void onReset(TunnelErrorCode code) {
        logger.debug("{} upgraded stream reset: {}", id, code.token());
        stream.reset(code);
        abort(code, "stream reset (" + code.token() + ")");
    }

    /** {@code n} bytes of {@code head} reached the client: count them and follow the frames. */
    private void written(ByteBuf head, int n) {
        frames.advance(head, head.readerIndex(), n);
        head.skipBytes(n);
        live.countOut(n);
        released.accept(n);
    }

    private void closeIfBothDone() {
        if (clientEof && agentEof && pending.isEmpty()) {
            markClosed();
            IoUtils.safeClose(connection);
        }
    }

    private void markClosed() {
        closed = true;
        live.ended();
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            released.accept(b.readableBytes());
            b.release();
        }
    }

    /** Revoked or kicked: finish the frame in flight, send close 1008, then close (see {@link PolicyClose}). */
    void closeForPolicy(String reason) {
        if (closed || policyClose != null) {
            return;
        }
        logger.info("{} closing WebSocket with 1008: {}", id, reason);
        policyClose = new PolicyClose(reason);
        source.suspendReads();
        connection.getIoThread().executeAfter(
                () -> abort(TunnelErrorCode.CANCEL, "close deadline passed (" + reason + ")"),
                PolicyClose.DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        policyClose.drain();
    }

    /**
     * A close for policy (revocation, kick, expiry): writes app bytes only up to the end of the frame in flight,
     * drops the rest, resets the tunnel stream, sends a close frame with 1008, half-closes toward the client and waits
     * for its answer (its close frame, then EOF) before closing the connection. A frame that does not finish, or a
     * client that does not answer, within {@link #DEADLINE} gets the connection cut instead.
     */
    private final class PolicyClose {
        static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(1);
        private static final int MAX_DISCARD = 64 << 10;

        private final String reason;
        private ByteBuffer closeFrame;
        private boolean sent;
        private int discarded;

        PolicyClose(String reason) {
            this.reason = reason;
        }

        void drain() {
            if (closed) {
                return;
            }
            try {
                while (closeFrame == null && !frames.atBoundary()) {
                    ByteBuf head = pending.peek();
                    if (head == null) {
                        if (agentEof) {
                            abort(TunnelErrorCode.CANCEL, "the app ended mid-frame while closing (" + reason + ")");
                        }
                        return; // the read-ahead brings the rest of the frame: onData drains again
                    }
                    int n = (int) Math.min(head.readableBytes(), frames.untilNextStop());
                    int w = sink.write(head.nioBuffer(head.readerIndex(), n));
                    written(head, w);
                    if (!head.isReadable()) {
                        pending.poll().release();
                    }
                    if (w < n) {
                        sink.resumeWrites();
                        return;
                    }
                }
                releasePending();
                if (sent) {
                    return;
                }
                if (closeFrame == null) {
                    closeFrame = ServerFrameBoundary.closeFrame(ServerFrameBoundary.POLICY_VIOLATION, reason);
                    stream.reset(TunnelErrorCode.CANCEL);
                }
                while (closeFrame.hasRemaining()) {
                    if (sink.write(closeFrame) == 0) {
                        sink.resumeWrites();
                        return;
                    }
                }
                if (!sink.flush()) {
                    sink.resumeWrites();
                    return;
                }
                // SPEC: RFC 6455 §7.1.1: the server starts the TCP close; the client answers with its close frame.
                sent = true;
                sink.suspendWrites();
                sink.shutdownWrites();
                sink.flush();
                source.getReadSetter().set(ch -> discardUntilEof());
                discardUntilEof();
            } catch (IOException e) {
                abort(TunnelErrorCode.CANCEL, "writing the close frame failed: " + e);
            }
        }

        private void discardUntilEof() {
            try (PooledByteBuffer pooled = pool.allocate()) {
                ByteBuffer buffer = pooled.getBuffer();
                int n;
                do {
                    buffer.clear();
                    n = source.read(buffer);
                    discarded += Math.max(n, 0);
                } while (n > 0 && discarded <= MAX_DISCARD);
                if (n == 0) {
                    source.resumeReads();
                    return;
                }
                markClosed();
                IoUtils.safeClose(connection);
            } catch (IOException e) {
                abort(TunnelErrorCode.CANCEL, "reading the client's close failed: " + e);
            }
        }
    }

    void abort(TunnelErrorCode code, String reason) {
        if (closed) {
            return;
        }
        markClosed();
        logger.debug("{} closing upgraded connection: {}", id, reason);
        releasePending();
        stream.reset(code);
        IoUtils.safeClose(connection);
    }
}
