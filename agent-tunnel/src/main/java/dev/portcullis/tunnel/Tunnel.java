package dev.portcullis.tunnel;

import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.CompletableFuture;

/**
 * One authenticated agent connection, seen from the proxy. The proxy is the HTTP/2 client on it and opens one stream
 * per user connection (one HTTP exchange, or one upgraded WebSocket for its whole life).
 *
 * <p>Thread-safe: every method may be called from any thread; work hops to the tunnel's event loop.
 */
public interface Tunnel {

    /** The authenticated agent id (the agent token's {@code sub}). */
    String agentId();

    /** A short id of this connection for log lines, e.g. {@code "t-3f2a"}. */
    String id();

    /** Whether the tunnel can open new streams (connected, authenticated, not draining). */
    boolean isActive();

    /** Streams open right now; used to pick the least-loaded of an agent's tunnels. */
    int openStreams();

    /**
     * Opens a stream and sends {@code requestHeaders} (built with {@link TunnelHeaders#request}) on it.
     *
     * <p>The future completes on the tunnel's event loop once the HEADERS frame is written, or fails with a
     * {@link TunnelException} (refused because the tunnel is closing or at its stream limit, or the write failed).
     * After it completes, {@code listener} receives the stream's events on the same event loop, and only as fast as
     * the caller asks for them with {@link TunnelStream#request()}.
     *
     * @param endOfStream {@code true} if no request body follows (sets END_STREAM on the HEADERS frame)
     */
    CompletableFuture<TunnelStream> openStream(Http2Headers requestHeaders, boolean endOfStream, TunnelStreamListener listener);

    /** Starts a graceful close: GOAWAY, no new streams, open streams finish; then the connection closes. */
    void close();

    /** Completes when the connection has closed, for whatever reason. */
    CompletableFuture<Void> closeFuture();
}
