package dev.portcullis.tunnel.server;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.Tunnel;
import dev.portcullis.tunnel.TunnelErrorCode;
import dev.portcullis.tunnel.TunnelException;
import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.TunnelStream;
import dev.portcullis.tunnel.TunnelStreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's view of one authenticated agent connection, on which the proxy is the HTTP/2 client.
 *
 * <p>Thread-safe: public methods may be called from any thread; stream work runs on the connection's event loop.
 */
public final class ProxyTunnel implements Tunnel {
    private static final Logger logger = LoggerFactory.getLogger(ProxyTunnel.class);

    private final String id;
    private final String agentId;
    private final Channel parent;
    private final TunnelSettings settings;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean draining;

    ProxyTunnel(String id, String agentId, Channel parent, TunnelSettings settings) {
        this.id = id;
        this.agentId = agentId;
        this.parent = parent;
        this.settings = settings;
        parent.closeFuture().addListener(f -> closeFuture.complete(null));
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isActive() {
        return !draining && parent.isActive();
    }

    @Override
    public int openStreams() {
        return openStreams.get();
    }

    /** Marks the tunnel as draining (GOAWAY received or sent): no new streams. */
    void markDraining() {
        draining = true;
    }

    @Override
    public CompletableFuture<TunnelStream> openStream(
            Http2Headers requestHeaders, boolean endOfStream, TunnelStreamListener listener) {
        requireNonNull(requestHeaders, "requestHeaders");
        requireNonNull(listener, "listener");
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        if (!isActive()) {
            result.completeExceptionally(new TunnelException(
                    parent.isActive() ? TunnelErrorCode.REFUSED_STREAM : TunnelErrorCode.TUNNEL_CLOSED,
                    id + " is not accepting streams"));
            return result;
        }
        ProxyTunnelStream stream = new ProxyTunnelStream(this, listener);
        new Http2StreamChannelBootstrap(parent)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.streamWriteLowWaterMark(), settings.streamWriteHighWaterMark()))
                .handler(stream)
                .open()
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        stream.suppressEvents();
                        result.completeExceptionally(failure("open failed", opened.cause()));
                        return;
                    }
                    Http2StreamChannel ch = (Http2StreamChannel) opened.getNow();
                    openStreams.incrementAndGet();
                    ch.closeFuture().addListener(c -> openStreams.decrementAndGet());
                    stream.outboundEnded(endOfStream);
                    ch.writeAndFlush(new DefaultHttp2HeadersFrame(requestHeaders, endOfStream)).addListener(w -> {
                        if (w.isSuccess()) {
                            result.complete(stream);
                        } else {
                            stream.suppressEvents();
                            ch.close();
                            result.completeExceptionally(failure("HEADERS write failed", w.cause()));
                        }
                    });
                });
        return result;
    }

    private TunnelException failure(String what, Throwable cause) {
        TunnelErrorCode code = parent.isActive() && !draining ? TunnelErrorCode.REFUSED_STREAM : TunnelErrorCode.TUNNEL_CLOSED;
        logger.debug("{} stream {}: {} ({})", id, what, code, String.valueOf(cause));
        return new TunnelException(code, id + ": " + what, cause);
    }

    TunnelSettings settings() {
        return settings;
    }

    /** Whether the connection itself is still up (to tell a stream reset from a lost tunnel). */
    boolean connectionActive() {
        return parent.isActive();
    }

    @Override
    public void close() {
        draining = true;
        // Closing through the pipeline lets the HTTP/2 codec send GOAWAY and wait (bounded) for open streams.
        parent.close();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public String toString() {
        return id + "(" + agentId + ")";
    }
}
