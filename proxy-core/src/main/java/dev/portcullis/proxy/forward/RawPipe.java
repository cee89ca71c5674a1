package dev.portcullis.proxy.forward;

import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Pipes the raw bytes of an upgraded connection (WebSocket after the app's 101) between the client's
 * {@link StreamConnection} and a tunnel stream, both ways with back-pressure: the client is read only while the stream
 * is writable, and the stream is asked for the next batch only after the previous one reached the client. A half-close
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
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final OutboundQueue pending = new OutboundQueue();
    private boolean clientEof;
    private boolean agentEof;
    private boolean awaitingBatch;
    private boolean closed;

    RawPipe(String id, StreamConnection connection, TunnelStream stream) {
        this.id = id;
        this.connection = connection;
        this.stream = stream;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
    }

    void start() {
        source.getReadSetter().set(ch -> pumpClientToAgent());
        sink.getWriteSetter().set(ch -> drainToClient());
        connection.setCloseListener(c -> abort(TunnelErrorCode.CANCEL, "client connection closed"));
        pumpClientToAgent();
        requestBatch();
    }

    // clientToProxy -> proxyToAgent
    void pumpClientToAgent() {
        if (closed || clientEof) {
            return;
        }
        try {
            while (stream.isWritable()) {
                // Read straight into the outbound buffer: no copy from an Undertow buffer.
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
        awaitingBatch = false;
        if (closed) {
            data.release();
            return;
        }
        pending.add(data);
        agentEof |= endOfStream;
        drainToClient();
    }

    private void drainToClient() {
        if (closed) {
            return;
        }
        try {
            pending.writeTo(sink);
            if (!pending.isEmpty()) {
                sink.resumeWrites();
                return;
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
            } else if (!awaitingBatch) {
                requestBatch();
            }
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "writing to the client failed: " + e);
        }
    }

    void onWritable() {
        pumpClientToAgent();
    }

    void onReset(TunnelErrorCode code) {
        logger.debug("{} upgraded stream reset by the agent: {}", id, code.token());
        stream.reset(code);
        abort(code, "reset by agent");
    }

    private void requestBatch() {
        awaitingBatch = true;
        stream.request();
    }

    private void closeIfBothDone() {
        if (clientEof && agentEof && pending.isEmpty()) {
            closed = true;
            IoUtils.safeClose(connection);
        }
    }

    void abort(TunnelErrorCode code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        logger.debug("{} closing upgraded connection: {}", id, reason);
        pending.releaseAll();
        stream.reset(code);
        IoUtils.safeClose(connection);
    }
}
