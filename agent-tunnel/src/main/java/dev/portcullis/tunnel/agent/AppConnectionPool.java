package dev.portcullis.tunnel.agent;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive HTTP/1.1 connections to apps, per app port, for the streams of one tunnel connection. A connection
 * comes back only after a response that ended cleanly with its request fully sent (see {@link AgentStreamHandler});
 * upgraded connections never do. At most {@code maxIdle} per port wait here, each at most {@code idleTimeout}; the
 * most recently used is handed out first so that the rest age out. While idle a connection is read, so an app that
 * closes it (or sends unasked-for bytes) is noticed and the connection dropped.
 *
 * <p>Event loop only: the tunnel connection's, which every one of its streams and their app connections share, so
 * there is no locking. {@link #closeAll()} runs when the tunnel connection closes.
 */
final class AppConnectionPool {
    private final EventLoop loop;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Map<Integer, ArrayDeque<Idle>> idleByPort = new HashMap<>();
    private boolean sweepScheduled;
    private boolean closed;

    private record Idle(Channel channel, long since) {}

    AppConnectionPool(EventLoop loop, int maxIdle, Duration idleTimeout) {
        this.loop = loop;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /** An idle, open connection to {@code port}, or null; the caller binds it to its stream. */
    Channel poll(int port) {
        ArrayDeque<Idle> idle = idleByPort.get(port);
        if (idle == null) {
            return null;
        }
        long now = System.nanoTime();
        Idle c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel().isActive() && now - c.since() < idleTimeoutNanos) {
                return c.channel();
            }
            c.channel().close();
        }
        return null;
    }

    /**
     * Takes back a connection whose last exchange ended cleanly; closes it instead when the pool is full, closed or
     * off. The connection's handler must already be unbound from its stream.
     */
    void release(Channel app, int port) {
        if (closed || maxIdle == 0 || !app.isActive()) {
            app.close();
            return;
        }
        ArrayDeque<Idle> idle = idleByPort.computeIfAbsent(port, p -> new ArrayDeque<>());
        if (idle.size() >= maxIdle) {
            app.close();
            return;
        }
        idle.addLast(new Idle(app, System.nanoTime()));
        app.read(); // notice a close or stray bytes while idle
        if (!sweepScheduled) {
            sweepScheduled = true;
            loop.schedule(this::sweep, Math.max(1, idleTimeoutNanos / 2), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Whether the app's final response {@code res} to a {@code method} request leaves its connection fit for another
     * request: HTTP/1.1 without {@code Connection: close}, and a body whose end is marked (Content-Length, chunked,
     * or none by definition) rather than read until the app closes. SPEC: RFC 9112 §6.3, §9.3.
     */
    static boolean reusable(HttpResponse res, String method) {
        if (!HttpVersion.HTTP_1_1.equals(res.protocolVersion()) || !HttpUtil.isKeepAlive(res)) {
            return false;
        }
        int code = res.status().code();
        return HttpUtil.isContentLengthSet(res) || HttpUtil.isTransferEncodingChunked(res) || code == 204
                || code == 304 || "HEAD".equals(method);
    }

    /** Idle connections right now (tests and metrics). */
    int idleCount() {
        return idleByPort.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Closes every idle connection; later releases close theirs. Idempotent. */
    void closeAll() {
        closed = true;
        idleByPort.values().forEach(q -> q.forEach(c -> c.channel().close()));
        idleByPort.clear();
    }

    private void sweep() {
        sweepScheduled = false;
        long now = System.nanoTime();
        for (Iterator<ArrayDeque<Idle>> it = idleByPort.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Idle> idle = it.next();
            idle.removeIf(c -> {
                boolean stale = !c.channel().isActive() || now - c.since() >= idleTimeoutNanos;
                if (stale) {
                    c.channel().close();
                }
                return stale;
            });
            if (idle.isEmpty()) {
                it.remove();
            }
        }
        if (!idleByPort.isEmpty() && !closed) {
            sweepScheduled = true;
            loop.schedule(this::sweep, Math.max(1, idleTimeoutNanos / 2), TimeUnit.NANOSECONDS);
        }
    }
}
