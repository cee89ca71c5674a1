package dev.portcullis.proxy.forward;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelHeaders;
import dev.portcullis.tunnel.TunnelStream;
import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.buffer.Unpooled;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.util.HeaderMap;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * Relays one forwarded HTTP exchange over a tunnel stream. The request leg is a {@link RequestBodyPump}; the response
 * leg (agentToProxy -> proxyToClient) lives here: the response head is asked for on the event loop as soon as the
 * stream is open, DATA by a {@link ReadAhead} while fewer than {@link #RESPONSE_BUDGET} bytes are delivered but not
 * yet written to the client; head and DATA hop to the I/O thread together through a {@link TunnelInbox} (one hop per
 * batch; a small response costs one hop in all) and go out through an {@link OutboundQueue}. After the app's 101 a
 * {@link RawPipe} takes over the stream, with the same read-ahead.
 *
 * <p>Hops per bodiless request: the stream opens on the event loop (one hop there), and the response comes back in one
 * hop; the body pump, when there is a body, takes one more.
 *
 * <p>Threading: tunnel callbacks arrive on a Netty event loop; what needs the client connection hops to the exchange's
 * XNIO I/O thread. Every field is confined to that I/O thread, except {@link #stream} and {@link #abandoned} (the
 * open/abort handshake between the two threads), {@link #headSeen} (event loop) and the
 * thread-safe {@link #readAhead}. Ownership: ByteBufs from the stream are held in {@link #pending} (or {@link #early}
 * between the 101 and the pipe) until written, and released there or in {@link #finish}.
 */
final class HttpExchangeRelay implements TunnelStreamListener {
    private static final Logger logger = LoggerFactory.getLogger(HttpExchangeRelay.class);
    /** Response bytes delivered by the stream but not yet written to the client, above which no batch is requested. */
    static final int RESPONSE_BUDGET = 512 << 10;

    /** Null once the raw pipe runs: a held WebSocket keeps none of its upgrade request (headers, attachments). */
    private HttpServerExchange exchange;
    private final XnioIoThread ioThread;
    private final ErrorPages errorPages;
    private final String id;
    private final boolean upgrade;
    private final LiveConnection live;
    /** Null once the raw pipe runs. */
    private RequestBodyPump requestBody;
    private final boolean hasBody;
    private final OutboundQueue pending = new OutboundQueue();
    private final TunnelInbox inbox;
    /** Response bytes held between the stream and the client; asks the stream for more while under the budget. */
    private final ReadAhead readAhead;
    /** Event loop: the final response head arrived (a later HEADERS frame is trailers). */
    private boolean headSeen;

    /** Set once the stream is open, on whatever thread opened it. */
    private volatile TunnelStream stream;
    /** The relay finished before the stream opened: whoever sees both resets the stream (both may; reset is idempotent). */
    private volatile boolean abandoned;
    private StreamSinkChannel responseChannel;
    private boolean responseHeadSent;
    private boolean responseEnded;
    private boolean finished;
    /** The app answered 101: the exchange ended with the 101 and {@link #pipe} owns the stream from now on. */
    private boolean upgraded;
    private RawPipe pipe;
    /** DATA after the 101 that came before Undertow handed over the connection; given to the pipe when it starts. */
    private final OutboundQueue early = new OutboundQueue();
    private boolean earlyEnd;
    private final ConnectionWatch connectionWatch;
    private final Runnable onClientClose = () -> onIo(() -> {
        // Once the pipe runs it watches the connection itself.
        if (!finished && pipe == null) {
            abort(TunnelErrorCode.CANCEL, "client connection closed");
        }
    });

    HttpExchangeRelay(HttpServerExchange exchange, ErrorPages errorPages, boolean hasBody, boolean expectContinue,
            boolean upgrade, LiveConnection live) {
        this.exchange = exchange;
        this.ioThread = exchange.getIoThread();
        this.live = live;
        live.closer(this::kill);
        this.upgrade = upgrade;
        this.errorPages = errorPages;
        this.id = ErrorPages.requestId(exchange);
        this.hasBody = hasBody;
        this.requestBody = new RequestBodyPump(exchange, hasBody, expectContinue, this::abort, live::countIn);
        this.inbox = new TunnelInbox(ioThread, new TunnelInbox.Sink() {
            @Override
            public void onHeaders(Http2Headers headers, boolean endOfStream) {
                takeHeaders(headers, endOfStream);
            }

            @Override
            public void onData(ByteBuf data, boolean endOfStream) {
                takeData(data, endOfStream);
            }
        });
        this.readAhead = new ReadAhead(RESPONSE_BUDGET, () -> stream.request());
        // I/O thread (the forwarder's): from now on a client that goes away stops the agent too.
        exchange.addExchangeCompleteListener((ex, next) -> {
            onIo(() -> {
                if (!finished && !upgraded) {
                    abort(TunnelErrorCode.CANCEL, "client exchange ended early");
                }
            });
            next.proceed();
        });
        this.connectionWatch = ConnectionWatch.watch(exchange.getConnection(), onClientClose);
    }

    /**
     * The stream opened (or failed to); any thread, usually the tunnel's event loop. Asks for the response head right
     * there, so a bodiless request needs no hop to the I/O thread until the response is back.
     */
    void opened(TunnelStream s, Throwable failure) {
        if (failure != null) {
            onIo(() -> {
                if (finished) {
                    return;
                }
                Throwable cause = TunnelRequests.openFailureCause(failure);
                finish(TunnelErrorCode.CANCEL);
                errorPages.send(exchange, TunnelRequests.errorForOpenFailure(cause), "opening a tunnel stream failed: " + cause.getMessage());
            });
            return;
        }
        stream = s;
        if (abandoned) {
            s.reset(TunnelErrorCode.CANCEL);
            return;
        }
        logger.debug("{} forwarding on {} stream {}", id, s.tunnel().id(), s.id());
        s.request(); // the response head
        if (hasBody) {
            onIo(() -> {
                if (!finished) {
                    requestBody.start(s);
                }
            });
        }
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

    /**
     * Event loop: decides what to ask the stream for next (right here, so the first DATA need not wait for a hop) and
     * queues the head for the I/O thread. Interim (1xx) heads are skipped: the final one is asked for instead.
     */
    @Override
    public void onHeaders(Http2Headers headers, boolean endOfStream) {
        if (!headSeen && headers.get(TunnelHeaders.ERROR) == null) {
            int status = TunnelRequests.statusOf(headers);
            if (status >= 100 && status < 200) {
                stream.request(); // an interim response (the agent should not relay them): wait for the final one
                return;
            }
            if (status >= 200) {
                headSeen = true;
                if (!endOfStream) {
                    readAhead.delivered(0, true); // the first DATA; from then on readAhead keeps them coming
                }
            }
        }
        inbox.offerHeaders(headers, endOfStream);
    }

    /** I/O thread: the response head (or, after it, trailers) taken from the {@link #inbox}. */
    private void takeHeaders(Http2Headers headers, boolean endOfStream) {
        if (pipe != null) {
            agentBrokeProtocol("agent sent HEADERS after the 101");
            return;
        }
        if (finished) {
            return;
        }
        if (responseHeadSent) {
            trailers(headers, endOfStream);
            return;
        }
        CharSequence error = headers.get(TunnelHeaders.ERROR);
        if (error != null) {
            finish(TunnelErrorCode.CANCEL);
            errorPages.send(exchange, TunnelRequests.errorFor(TunnelErrorCode.fromToken(error)),
                    "agent reported " + error + " (status " + headers.status() + ")");
            return;
        }
        int status = TunnelRequests.statusOf(headers);
        if (status < 200) {
            agentBrokeProtocol("agent sent a response without a valid :status");
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
    }

    /**
     * Trailers after the body: passed on in the last chunk when the response is chunked (HTTP/1.1 has nowhere else to
     * put them), and they end the response. Trailers without END_STREAM break the protocol.
     */
    private void trailers(Http2Headers headers, boolean endOfStream) {
        if (!endOfStream || responseEnded || upgraded) {
            agentBrokeProtocol("agent sent HEADERS in the middle of a response");
            return;
        }
        HeaderMap trailers = new HeaderMap();
        TunnelRequests.copyResponseHeaders(headers, trailers);
        exchange.putAttachment(HttpAttachments.RESPONSE_TRAILERS, trailers);
        takeData(Unpooled.EMPTY_BUFFER, true);
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
            if (finished) {
                IoUtils.safeClose(connection); // the client went away before Undertow handed the connection over
                return;
            }
            pipe = new RawPipe(id, connection, stream, pool, live, readAhead::released);
            pipe.start(early, earlyEnd);
            // From here on the pipe watches the connection and the exchange is over: let it go (memory per socket).
            connectionWatch.clear(onClientClose);
            this.exchange = null;
            requestBody = null;
        });
        logger.debug("{} switching protocols on stream {}", id, stream.id());
        exchange.endExchange();
    }

    /** Event loop: queues DATA for the I/O thread and, while under the budget, asks for the next frames. */
    @Override
    public void onData(ByteBuf data, boolean endOfStream) {
        readAhead.delivered(data.readableBytes(), !endOfStream); // may ask for the next frames: they come after
        inbox.offer(data, endOfStream);
    }

    /** I/O thread: DATA taken from the {@link #inbox}. */
    private void takeData(ByteBuf data, boolean endOfStream) {
        if (pipe != null) {
            pipe.onData(data, endOfStream); // the pipe reports what it wrote (or dropped) to readAhead
            return;
        }
        if (finished) {
            readAhead.released(data.readableBytes());
            data.release();
            return;
        }
        if (upgraded) {
            early.add(data); // counted by readAhead until the pipe writes it
            earlyEnd |= endOfStream;
            return;
        }
        if (responseChannel == null) {
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
        finish(TunnelErrorCode.CANCEL);
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
                logger.info("{} stream reset mid-response ({}): closing the client connection", id, code.token());
                finish(code);
                ErrorPages.closeConnection(exchange);
            } else {
                finish(code);
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

    /**
     * The agent broke the tunnel protocol on this stream: logged (INFO, the agent's fault) and reset; the client gets
     * a 502 if nothing of the response was sent yet, else its connection is cut.
     */
    private void agentBrokeProtocol(String reason) {
        if (pipe == null && !finished && !responseHeadSent) {
            finish(TunnelErrorCode.PROTOCOL_ERROR);
            errorPages.send(exchange, TunnelRequests.errorFor(TunnelErrorCode.INTERNAL_ERROR), reason);
            return;
        }
        if (!finished || pipe != null) {
            logger.info("{} {}: resetting the stream and closing the client connection", id, reason);
        }
        abort(TunnelErrorCode.PROTOCOL_ERROR, reason);
    }

    private void abort(TunnelErrorCode code, String reason) {
        if (pipe != null) {
            pipe.abort(code, reason);
            return;
        }
        if (finished) {
            return;
        }
        logger.debug("{} aborting: {}", id, reason);
        finish(code);
        ErrorPages.closeConnection(exchange);
    }

    /**
     * The relay is done: releases what it holds and, unless both directions ended cleanly, resets the stream with
     * {@code code} (once; a stream not open yet is reset as soon as it opens).
     */
    private void finish(TunnelErrorCode code) {
        finished = true;
        if (pipe == null) { // once the raw pipe runs, it ends the live connection
            live.ended();
        }
        RequestBodyPump body = requestBody;
        if (body != null) {
            body.stop();
        }
        connectionWatch.clear(onClientClose);
        readAhead.released(pending.releaseAll() + early.releaseAll());
        TunnelStream s = stream;
        if (s == null) {
            abandoned = true;
            s = stream; // opened() sets stream, then reads abandoned: one of the two sees the other
        }
        if (s != null && !((body == null || body.done()) && responseEnded)) {
            s.reset(code);
        }
    }

    private void onIo(Runnable task) {
        if (ioThread == Thread.currentThread()) {
            task.run();
        } else {
            ioThread.execute(task);
        }
    }
}
