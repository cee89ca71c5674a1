package dev.portcullis.proxy.forward;

import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import org.xnio.channels.StreamSourceChannel;

/**
 * The request leg of a forwarded exchange (clientToProxy -> proxyToAgent): reads the body from Undertow only while the
 * stream is writable, straight into the outbound buffers, in chunks of up to {@link #CHUNK} (fewer, larger DATA frames
 * and event-loop hops than one per Undertow buffer), and ends the stream at the body's end. Answers
 * {@code 100-continue} first when the client asked for it.
 *
 * <p>Confined to the exchange's XNIO I/O thread.
 */
final class RequestBodyPump {
    /** How the pump reports a failure to its relay (which resets the stream and closes the client connection). */
    interface Failure {
        void abort(TunnelErrorCode code, String reason);
    }

    /** Request-body bytes read from the client per pump before yielding the I/O thread. */
    private static final int READ_BUDGET = 1 << 20;
    /** Request-body bytes per DATA frame written to the stream. */
    private static final int CHUNK = 64 << 10;

    private final HttpServerExchange exchange;
    private final boolean expectContinue;
    private final Failure failure;
    private final LongConsumer counted;
    private TunnelStream stream;
    private StreamSourceChannel channel;
    private boolean done;
    private boolean stopped;

    /** @param counted told every body byte forwarded (the live connection's byte counter) */
    RequestBodyPump(HttpServerExchange exchange, boolean hasBody, boolean expectContinue, Failure failure,
            LongConsumer counted) {
        this.exchange = exchange;
        this.done = !hasBody;
        this.expectContinue = expectContinue && hasBody;
        this.failure = failure;
        this.counted = counted;
    }

    /** The whole body went to the stream (or there was none). */
    boolean done() {
        return done;
    }

    /** The exchange is over: pump no more. */
    void stop() {
        stopped = true;
    }

    void start(TunnelStream s) {
        stream = s;
        if (done) {
            return;
        }
        channel = exchange.getRequestChannel();
        if (channel == null) {
            // Someone consumed it already: nothing more to send.
            stream.write(Unpooled.EMPTY_BUFFER, true);
            done = true;
            return;
        }
        channel.getReadSetter().set(ch -> pump());
        if (expectContinue) {
            HttpContinue.sendContinueResponse(exchange, new IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, Sender sender) {
                    pump();
                }

                @Override
                public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                    failure.abort(TunnelErrorCode.CANCEL, "sending 100-continue failed: " + e);
                }
            });
        } else {
            pump();
        }
    }

    /** Reads and forwards until the stream is full, the client has nothing more now, or the budget is spent. */
    void pump() {
        if (stopped || done || channel == null) {
            return;
        }
        long budget = READ_BUDGET;
        try {
            while (stream.isWritable()) {
                if (budget <= 0) {
                    // Let the I/O thread serve others; the read listener calls back while data is waiting.
                    channel.resumeReads();
                    return;
                }
                ByteBuf out = stream.alloc().directBuffer(CHUNK);
                int n = readChunk(out);
                if (out.isReadable()) {
                    budget -= out.readableBytes();
                    counted.accept(out.readableBytes());
                    stream.write(out, false);
                } else {
                    out.release();
                }
                if (n == 0) {
                    channel.resumeReads();
                    return;
                }
                if (n < 0) {
                    done = true;
                    channel.suspendReads();
                    stream.write(Unpooled.EMPTY_BUFFER, true);
                    return;
                }
            }
            // Back-pressure: the stream is full; onWritabilityChanged(true) calls pump() again.
            channel.suspendReads();
        } catch (IOException e) {
            failure.abort(TunnelErrorCode.CANCEL, "reading the request body failed: " + e);
        }
    }

    /**
     * Fills {@code out} from the request channel until it is full or the channel has nothing more now; returns the last
     * read's result (0: nothing waiting, -1: end of body, > 0: the chunk is full). Releases {@code out} on failure.
     */
    private int readChunk(ByteBuf out) throws IOException {
        try {
            ByteBuffer nio = out.nioBuffer(out.writerIndex(), out.writableBytes());
            int n;
            while ((n = channel.read(nio)) > 0) {
                if (!nio.hasRemaining()) {
                    break;
                }
            }
            out.writerIndex(out.writerIndex() + nio.position());
            return n;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
