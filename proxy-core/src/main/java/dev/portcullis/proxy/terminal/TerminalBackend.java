package dev.portcullis.proxy.terminal;

import static java.util.Objects.requireNonNull;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A terminal server for the demo and the tests: every WebSocket upgrade, on any path (so it answers under a path-mode
 * prefix and at Jupyter's {@code .../terminals/websocket/<name>} alike), gets a fresh process in a real PTY speaking
 * terminado's protocol ({@link TerminadoMessage}). A GET of a path ending in '/' redirects to
 * {@code .portcullis/terminal} (relative), the proxy's terminal page for this app; anything else gets one line of text. The process ends
 * when the socket closes; the socket closes (after {@code ["disconnect", code]}) when the process ends.
 *
 * <p>Thread-safe. PTY I/O runs on the backend's own threads (two per terminal, at most
 * {@link TerminalConfig#maxTerminals()} terminals), never on Undertow's I/O threads.
 */
public final class TerminalBackend implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TerminalBackend.class);
    /** Where a GET of the base (any path ending in '/') redirects: the proxy's terminal page in the app's space. */
    static final String TERMINAL_PAGE = ".portcullis/terminal";

    private final Undertow server;
    private final ExecutorService threads;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final LongAdder bytesRead = new LongAdder();
    private final java.util.Set<PtyTerminal> terminals = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TerminalBackend(String host, int port, TerminalConfig config) {
        AtomicInteger threadIds = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(2 * config.maxTerminals() + 2, r -> {
            Thread t = new Thread(r, "portcullis-pty-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        WebSocketConnectionCallback callback = (exchange, channel) -> {
            PtyTerminal[] self = new PtyTerminal[1];
            self[0] = new PtyTerminal("term-" + ids.incrementAndGet(), channel, config, threads, bytesRead, () -> {
                terminals.remove(self[0]);
                open.decrementAndGet();
            });
            terminals.add(self[0]);
            self[0].start();
        };
        HttpHandler webSocket = new WebSocketProtocolHandshakeHandler(callback);
        this.server = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(exchange -> route(exchange, webSocket, config.maxTerminals()))
                .build();
    }

    private void route(HttpServerExchange exchange, HttpHandler webSocket, int max) throws Exception {
        if (!exchange.getRequestHeaders().contains(Headers.UPGRADE)) {
            if (exchange.getRequestPath().endsWith("/")) {
                // Behind Portcullis the app's base opens the proxy's terminal page (relative: path and subdomain mode).
                exchange.setStatusCode(StatusCodes.FOUND);
                exchange.getResponseHeaders().put(Headers.LOCATION, TERMINAL_PAGE);
                exchange.endExchange();
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("Portcullis terminal backend: connect a WebSocket (terminado protocol).\n");
            return;
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            exchange.getResponseSender().send("too many terminals (" + max + ")\n");
            return;
        }
        // Counted from here; a handshake that fails before the callback runs gives its slot back.
        exchange.addExchangeCompleteListener((ex, next) -> {
            if (ex.getStatusCode() != StatusCodes.SWITCHING_PROTOCOLS) {
                open.decrementAndGet();
            }
            next.proceed();
        });
        webSocket.handleRequest(exchange);
    }

    /** Starts on {@code host:port} (0: any free port). */
    public static TerminalBackend start(String host, int port, TerminalConfig config) {
        requireNonNull(host, "host");
        requireNonNull(config, "config");
        TerminalBackend backend = new TerminalBackend(host, port, config);
        backend.server.start();
        logger.info("terminal backend listening on {} ({})", backend.address(), config.command().get(0));
        return backend;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** Terminals open right now. */
    public int openTerminals() {
        return terminals.size();
    }

    /** Bytes read from all terminals' PTYs so far: what the processes wrote (back-pressure shows here). */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Ends every terminal's process and stops listening. */
    @Override
    public void close() {
        terminals.forEach(t -> t.close("backend stopping"));
        server.stop();
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
    }
}
