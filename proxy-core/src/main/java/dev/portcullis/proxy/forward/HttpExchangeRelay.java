package dev.portcullis.proxy.forward;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelException;
import dev.portcullis.tunnel.TunnelHeaders;
import dev.portcullis.tunnel.TunnelStream;
import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * The two legs of one forwarded HTTP exchange: clientToProxy/proxyToAgent (request body, read from Undertow only while
 * the stream is writable) and agentToProxy/proxyToClient (response: the next batch is requested from the stream while
 * fewer than {@link #RESPONSE_BUDGET} bytes are delivered but not yet written to the client, so the tunnel keeps
 * moving while the client write is in progress; at most one request is outstanding, so the bytes held are bounded by
 * the budget plus one read batch).
 *
 * <p>Threading: tunnel callbacks arrive on a Netty event loop and immediately hop to the exchange's XNIO I/O thread;
 * every field is confined to that I/O thread, except {@link #heldBytes}. Ownership: ByteBufs from the stream are held
 * in {@link #pending} until written, and released there or in {@link #abort}.
 */
final class HttpExchangeRelay implements TunnelStreamListener {
    private static final Logger logger = LoggerFactory.getLogger(HttpExchangeRelay.class);
    /** Response bytes delivered by the stream but not yet written to the client, above which no batch is requested. */
    static final int RESPONSE_BUDGET = 512 << 10;
    /** Request-body bytes read from the client per pump before yielding the I/O thread. */
    private static final int REQUEST_READ_BUDGET = 1 << 20;
    /** Request-body bytes per DATA frame written to the stream. */
    private static final int REQUEST_CHUNK = 64 << 10;

    private final HttpServerExchange exchange;
    private final ErrorPages errorPages;
    private final String id;
    private final boolean expectContinue;
    private final boolean upgrade;
    private final LiveConnection live;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    /** Counted up on the event loop as data is delivered (before the hop), down on the I/O thread as it is written. */
    private final AtomicLong heldBytes = new AtomicLong();

    private TunnelStream stream;
    private boolean requestBodyDone;
    private StreamSourceChannel requestChannel;
    private StreamSinkChannel responseChannel;
    private boolean responseHeadSent;
    private boolean responseEnded;
    private boolean awaitingBatch;
    private boolean finished;
    /** The app answered 101: the exchange ended with the 101 and {@link #pipe} owns the stream from now on. */
    private boolean upgraded;
    private RawPipe pipe;
    private ConnectionWatch connectionWatch;
    private final Runnable onClientClose = () -> onIo(() -> {
        if (!finished && !upgraded) {
            abort(TunnelErrorCode.CANCEL, "client connection closed");
        }
    });

    HttpExchangeRelay(HttpServerExchange exchange, ErrorPages errorPages, boolean hasBody, boolean expectContinue,
            boolean upgrade, LiveConnection live) {
        this.exchange = exchange;
        this.live = live;
        live.closer(this::kill);
        this.upgrade = upgrade;
        this.errorPages = errorPages;
        this.id = ErrorPages.requestId(exchange);
        this.requestBodyDone = !hasBody;
        this.expectContinue = expectContinue && hasBody;
    }

    /** The stream opened (or failed to); any thread. */
    void opened(TunnelStream s, Throwable failure) {
        onIo(() -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                ProxyError error = cause instanceof TunnelException te ? TunnelRequests.errorFor(te.code()) : ProxyError.TUNNEL_LOST;
                finish();
                errorPages.send(exchange, error, "opening a tunnel stream failed: " + cause.getMessage());
                return;
            }
            stream = s;
            logger.debug("{} forwarding on {} stream {}", id, s.tunnel().id(), s.id());
            exchange.addExchangeCompleteListener((ex, next) -> {
                // The client went away or the exchange ended early: the agent must stop too.
                onIo(() -> {
                    if (!finished && !upgraded) {
                        abort(TunnelErrorCode.CANCEL, "client exchange ended early");
                    }
                });
                next.proceed();
            });
            connectionWatch = ConnectionWatch.watch(exchange.getConnection(), onClientClose);
            requestResponseBatch();
            if (!requestBodyDone) {
                startRequestBody();
            }
        });
    }

    // ---- clientToProxy -> proxyToAgent

    private void startRequestBody() {
        requestChannel = exchange.getRequestChannel();
        if (requestChannel == null) {
            // Someone consumed it already: nothing more to send.
            stream.write(Unpooled.EMPTY_BUFFER, true);
            requestBodyDone = true;
            return;
        }
        requestChannel.getReadSetter().set(ch -> pumpRequestBody());
        if (expectContinue) {
            HttpContinue.sendContinueResponse(exchange, new IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, Sender sender) {
                    pumpRequestBody();
                }

                @Override
                public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                    abort(TunnelErrorCode.CANCEL, "sending 100-continue failed: " + e);
                }
            });
        } else {
            pumpRequestBody();
        }
    }

    private void pumpRequestBody() {
        if (finished || requestBodyDone) {
            return;
        }
        long budget = REQUEST_READ_BUDGET;
        try {
            while (stream.isWritable()) {
                if (budget <= 0) {
                    // Let the I/O thread serve others; the read listener calls back while data is waiting.
                    requestChannel.resumeReads();
                    return;
                }
                // Read straight into the outbound buffer, filling up to one chunk: fewer, larger DATA frames and
                // event-loop hops than one per Undertow buffer.
                ByteBuf out = stream.alloc().directBuffer(REQUEST_CHUNK);
                int n = readChunk(out);
                if (out.isReadable()) {
                    budget -= out.readableBytes();
                    live.countIn(out.readableBytes());
                    stream.write(out, false);
                } else {
                    out.release();
                }
                if (n == 0) {
                    requestChannel.resumeReads();
                    return;
                }
                if (n < 0) {
                    requestBodyDone = true;
                    requestChannel.suspendReads();
                    stream.write(Unpooled.EMPTY_BUFFER, true);
                    return;
                }
            }
            // Back-pressure: the stream is full; onWritabilityChanged(true) resumes.
            requestChannel.suspendReads();
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "reading the request body failed: " + e);
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
            while ((n = requestChannel.read(nio)) > 0) {
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

    @Override
    public void onWritabilityChanged(boolean writable) {
        if (writable) {
            onIo(() -> {
                if (pipe != null) {
                    pipe.onWritable();
                } else {
                    pumpRequestBody();
                }
            });
        }
    }

    // ---- agentToProxy -> proxyToClient

    private void requestResponseBatch() {
        awaitingBatch = true;
        stream.request();
    }

    @Override
    public void onHeaders(Http2Headers headers, boolean endOfStream) {
        onIo(() -> {
            awaitingBatch = false;
            if (finished) {
                return;
            }
            CharSequence error = headers.get(TunnelHeaders.ERROR);
            if (error != null) {
                finish();
                errorPages.send(exchange, TunnelRequests.errorFor(TunnelErrorCode.fromToken(error)),
                        "agent reported " + error + " (status " + headers.status() + ")");
                return;
            }
            int status;
            try {
                status = Integer.parseInt(headers.status().toString());
            } catch (RuntimeException e) {
                abort(TunnelErrorCode.PROTOCOL_ERROR, "agent sent a response without a valid :status");
                return;
            }
            if (status < 200) {
                // An informational response (the agent should not relay them): wait for the final one.
                requestResponseBatch();
                return;
            }
            if (upgrade && headers.contains(TunnelHeaders.STATUS, "101")) {
                switchProtocols(headers);
                return;
            }
            exchange.setStatusCode(status);
            TunnelRequests.copyResponseHeaders(headers, exchange.getResponseHeaders());
            responseHeadSent = true;
            if (endOfStream) {
                responseEnded = true;
                completeResponse();
                return;
            }
            responseChannel = exchange.getResponseChannel();
            responseChannel.getWriteSetter().set(ch -> drain());
            requestResponseBatch();
        });
    }

    /** The app accepted the upgrade: answer the client 101 and hand the connection and the stream to a pipe. */
    private void switchProtocols(Http2Headers headers) {
        upgraded = true;
        responseHeadSent = true;
        TunnelRequests.copyResponseHeaders(headers, exchange.getResponseHeaders());
        // Undertow insists on an Upgrade request header, which the hop-by-hop stripping removed.
        exchange.getRequestHeaders().put(io.undertow.util.Headers.UPGRADE, "websocket");
        exchange.getResponseHeaders().put(io.undertow.util.Headers.UPGRADE, "websocket");
        io.undertow.connector.ByteBufferPool pool = exchange.getConnection().getByteBufferPool();
        exchange.upgradeChannel((connection, ex) -> {
            pipe = new RawPipe(id, connection, stream, pool, live);
            pipe.start();
        });
        logger.debug("{} switching protocols on stream {}", id, stream.id());
        exchange.endExchange();
    }

    @Override
    public void onData(ByteBuf data, boolean endOfStream) {
        int size = data.readableBytes();
        heldBytes.addAndGet(size);
        onIo(() -> {
            if (pipe != null) {
                heldBytes.addAndGet(-size);
                pipe.onData(data, endOfStream);
                return;
            }
            awaitingBatch = false;
            if (finished || responseChannel == null) {
                heldBytes.addAndGet(-size);
                data.release();
                return;
            }
            if (data.isReadable()) {
                pending.add(data);
            } else {
                data.release();
            }
            responseEnded |= endOfStream;
            drain();
        });
    }

    private void drain() {
        if (finished) {
            return;
        }
        try {
            while (!pending.isEmpty()) {
                ByteBuf head = pending.peek();
                int written = responseChannel.write(head.nioBuffer());
                head.skipBytes(written);
                live.countOut(written);
                heldBytes.addAndGet(-written);
                if (head.isReadable()) {
                    responseChannel.resumeWrites();
                    maybeRequestAhead();
                    return;
                }
                pending.poll().release();
            }
            if (responseEnded) {
                completeResponse();
            } else {
                responseChannel.suspendWrites();
                if (!awaitingBatch) {
                    requestResponseBatch();
                }
            }
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "writing to the client failed: " + e);
        }
    }

    /** While the client write is in progress, keep one batch coming unless the budget is spent. */
    private void maybeRequestAhead() {
        if (!awaitingBatch && !responseEnded && heldBytes.get() < RESPONSE_BUDGET) {
            requestResponseBatch();
        }
    }

    private void completeResponse() {
        try {
            if (responseChannel == null) {
                finish();
                exchange.endExchange();
                return;
            }
            responseChannel.shutdownWrites();
            if (!responseChannel.flush()) {
                responseChannel.getWriteSetter().set(ch -> {
                    try {
                        if (ch.flush()) {
                            ch.suspendWrites();
                            finish();
                            exchange.endExchange();
                        }
                    } catch (IOException e) {
                        abort(TunnelErrorCode.CANCEL, "flushing to the client failed: " + e);
                    }
                });
                responseChannel.resumeWrites();
                return;
            }
            finish();
            exchange.endExchange();
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "finishing the response failed: " + e);
        }
    }

    @Override
    public void onReset(TunnelErrorCode code) {
        onIo(() -> {
            if (pipe != null) {
                pipe.onReset(code);
                return;
            }
            if (finished) {
                return;
            }
            if (responseHeadSent) {
                // SPEC: a cut-short response must never look complete: drop the client connection.
                logger.info("{} stream reset by the agent mid-response ({}): closing the client connection", id, code.token());
                finish();
                ErrorPages.closeConnection(exchange);
            } else {
                finish();
                errorPages.send(exchange, TunnelRequests.errorFor(code), "stream reset before the response: " + code.token());
            }
        });
    }

    // ---- both

    /** Revoked, kicked or expired (I/O thread): an upgraded connection closes with 1008, anything else is cut. */
    private void kill(String reason) {
        if (pipe != null) {
            pipe.closeForPolicy(reason);
        } else if (!finished) {
            logger.info("{} cutting the exchange: {}", id, reason);
            abort(TunnelErrorCode.CANCEL, reason);
        }
    }

    private void abort(TunnelErrorCode code, String reason) {
        if (finished) {
            return;
        }
        logger.debug("{} aborting: {}", id, reason);
        if (stream != null) {
            stream.reset(code);
        }
        finish();
        ErrorPages.closeConnection(exchange);
    }

    private void finish() {
        finished = true;
        if (pipe == null) { // once the raw pipe runs, it ends the live connection
            live.ended();
        }
        if (connectionWatch != null) {
            connectionWatch.clear(onClientClose);
        }
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
        if (stream != null && !(requestBodyDone && responseEnded)) {
            stream.reset(TunnelErrorCode.CANCEL);
        }
    }

    private void onIo(Runnable task) {
        if (exchange.getIoThread() == Thread.currentThread()) {
            task.run();
        } else {
            exchange.getIoThread().execute(task);
        }
    }
}
