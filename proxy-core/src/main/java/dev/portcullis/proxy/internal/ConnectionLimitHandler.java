package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the connections one client IP holds open on the public listener (SECURITY row 35). A connection is counted
 * from its first complete request head until it closes (kept-alive and upgraded WebSocket connections included); the
 * request that would exceed the cap gets a 503 and its connection is closed, logged with the IP and counted.
 * Connections that never finish a request head are not counted here: the parse and no-request timeouts close them.
 *
 * <p>First handler of the public listener; I/O thread. Thread-safe (the count map is concurrent and holds one entry
 * per IP with open connections, so it is bounded by the open connections).
 */
public final class ConnectionLimitHandler implements HttpHandler {
    private static final AttachmentKey<InetAddress> COUNTED = AttachmentKey.create(InetAddress.class);

    private final int maxPerIp;
    private final ErrorPages errorPages;
    private final HttpHandler next;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    public ConnectionLimitHandler(int maxPerIp, ErrorPages errorPages, HttpHandler next) {
        if (maxPerIp < 1) {
            throw new IllegalArgumentException("maxPerIp: " + maxPerIp + " (expected: >= 1)");
        }
        this.maxPerIp = maxPerIp;
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ServerConnection connection = exchange.getConnection();
        if (connection.getAttachment(COUNTED) == null) {
            InetSocketAddress peer = exchange.getSourceAddress();
            InetAddress ip = peer == null ? null : peer.getAddress();
            if (ip != null) {
                if (!acquire(ip)) {
                    long n = refused.incrementAndGet();
                    exchange.setPersistent(false);
                    errorPages.send(exchange, ProxyError.TOO_MANY_CONNECTIONS,
                            "client " + ip.getHostAddress() + " already holds " + maxPerIp + " connections (refused so far: " + n + ")");
                    return;
                }
                connection.putAttachment(COUNTED, ip);
                connection.addCloseListener(c -> release(ip));
            }
        }
        next.handleRequest(exchange);
    }

    /** Connections refused by the cap since start. */
    public long refused() {
        return refused.get();
    }

    /** Connections currently counted for {@code ip}. */
    public int openConnections(InetAddress ip) {
        return open.getOrDefault(ip, 0);
    }

    private boolean acquire(InetAddress ip) {
        boolean[] ok = new boolean[1];
        open.compute(ip, (k, n) -> {
            int current = n == null ? 0 : n;
            ok[0] = current < maxPerIp;
            return ok[0] ? current + 1 : n;
        });
        return ok[0];
    }

    private void release(InetAddress ip) {
        open.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }
}
