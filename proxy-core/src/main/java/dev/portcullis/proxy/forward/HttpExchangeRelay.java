package dev.portcullis.proxy.forward;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelHeaders;
import dev.portcullis.tunnel.TunnelStream;
import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.StreamSinkChannel;

/**
 * Relays one forwarded HTTP exchange over a tunnel stream. The request leg is a {@link RequestBodyPump}; the response
 * leg (agentToProxy -> proxyToClient) lives here: DATA is asked for by a {@link ReadAhead} while fewer than
 * {@link #RESPONSE_BUDGET} bytes are delivered but not yet written to the client, hops to the I/O thread through a
 * {@link TunnelInbox} (one hop per batch) and goes out through an {@link OutboundQueue}. After the app's 101 a
 * {@link RawPipe} takes over the stream.
 *
 * <p>Threading: tunnel callbacks arrive on a Netty event loop and hop to the exchange's XNIO I/O thread; every field is
 * confined to that I/O thread, except {@link #stream}, {@link #rawMode} and the thread-safe {@link #readAhead}.
 * Ownership: ByteBufs from the stream are held in {@link #pending} until written, and released there or in
 * {@link #finish}.
 */
final class HttpExchangeRelay implements TunnelStreamListener {
    private static final Logger logger = LoggerFactory.getLogger(HttpExchangeRelay.class);
    /** Response bytes delivered by the stream but not yet written to the client, above which no batch is requested. */
    static final int RESPONSE_BUDGET = 512 << 10;

    private final HttpServerExchange exchange;
    private final ErrorPages errorPages;
    private final String id;
    private final boolean upgrade;
    private final LiveConnection live;
    private final RequestBodyPump requestBody;
    private final OutboundQueue pending = new OutboundQueue();
    private final TunnelInbox inbox;
    /** Response bytes held between the stream and the client; asks the stream for more while under the budget. */
    private final ReadAhead readAhead;
    /** The app switched protocols: the {@link RawPipe} asks the stream itself, batch by batch. */
    private volatile boolean rawMode;

    /** Set on the I/O thread before the first request; read by {@link #readAhead} on the event loop. */
    private volatile TunnelStream stream;
    private StreamSinkChannel responseChannel;
    private boolean responseHeadSent;
    private boolean responseEnded;
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
        this.requestBody = new RequestBodyPump(exchange, hasBody, expectContinue, this::abort, live::countIn);
        this.inbox = new TunnelInbox(exchange.getIoThread(), this::takeData);
        this.readAhead = new ReadAhead(RESPONSE_BUDGET, () -> stream.request());
    }

    /** The stream opened (or failed to); any thread. */
    void opened(TunnelStream s, Throwable failure) {
        onIo(() -> {
            if (failure != null) {
                Throwable cause = TunnelRequests.openFailureCause(failure);
                finish();
                errorPages.send(exchange, TunnelRequests.errorForOpenFailure(cause), "opening a tunnel stream failed: " + cause.getMessage());
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
            stream.request(); // the response head
            requestBody.start(s);
        });
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
        if (writable) {
            onIo(() -> {
                if (pipe != null) {
                    pipe.onWritable();
                } else {
                    requestBody.pump();
                }
            });
        }
    }

    // ---- agentToProxy -> proxyToClient

    @Override
    public void onHeaders(Http2Headers headers, boolean endOfStream) {
        onIo(() -> {
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
            int status = TunnelRequests.statusOf(headers);
            if (status < 0) {
                abort(TunnelErrorCode.PROTOCOL_ERROR, "agent sent a response without a valid :status");
                return;
            }
            if (status < 200) {
                // An informational response (the agent should not relay them): wait for the final one.
                stream.request();
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
            stream.request(); // the first DATA; from then on readAhead keeps them coming
        });
    }

    /** The app accepted the upgrade: answer the client 101 and hand the connection and the stream to a pipe. */
    private void switchProtocols(Http2Headers headers) {
        upgraded = true;
        rawMode = true;
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
        if (rawMode) {
            readAhead.deliveredWithoutAsking(data.readableBytes());
        } else {
            readAhead.delivered(data.readableBytes(), !endOfStream); // may ask for the next frames: they come after
        }
        inbox.offer(data, endOfStream);
    }

    /** I/O thread: DATA taken from the {@link #inbox}. */
    private void takeData(ByteBuf data, boolean endOfStream) {
        if (pipe != null) {
            readAhead.released(data.readableBytes());
            pipe.onData(data, endOfStream);
            return;
        }
        if (finished || responseChannel == null) {
            readAhead.released(data.readableBytes());
            data.release();
            return;
        }
        pending.add(data);
        responseEnded |= endOfStream;
        drain();
    }

    private void drain() {
        if (finished) {
            return;
        }
        try {
            long written = pending.writeTo(responseChannel);
            live.countOut(written);
            readAhead.released(written);
            if (!pending.isEmpty()) {
                responseChannel.resumeWrites();
            } else if (responseEnded) {
                completeResponse();
            } else {
                responseChannel.suspendWrites();
            }
        } catch (IOException e) {
            abort(TunnelErrorCode.CANCEL, "writing to the client failed: " + e);
        }
    }

    /**
     * The agent ended the response: the relay is done (finish first, before Undertow sees the response complete and
     * runs the exchange-complete listener, which would take an unfinished relay for a client gone early and close a
     * keep-alive connection), then the response is terminated and the exchange ended.
     */
    private void completeResponse() {
        finish();
        if (responseChannel == null) {
            exchange.endExchange();
            return;
        }
        try {
            responseChannel.shutdownWrites();
            if (!responseChannel.flush()) {
                responseChannel.getWriteSetter().set(ch -> {
                    try {
                        if (ch.flush()) {
                            ch.suspendWrites();
                            exchange.endExchange();
                        }
                    } catch (IOException e) {
                        clientWriteFailed(e);
                    }
                });
                responseChannel.resumeWrites();
                return;
            }
            exchange.endExchange();
        } catch (IOException e) {
            clientWriteFailed(e);
        }
    }

    /** Finishing a complete response failed: the client is gone; the stream is already done. */
    private void clientWriteFailed(IOException e) {
        logger.debug("{} finishing the response failed: {}", id, e.toString());
        ErrorPages.closeConnection(exchange);
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
        requestBody.stop();
        if (connectionWatch != null) {
            connectionWatch.clear(onClientClose);
        }
        pending.releaseAll();
        if (stream != null && !(requestBody.done() && responseEnded)) {
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
