package dev.portcullis.proxy.demo;

import static java.util.Objects.requireNonNull;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny app for the demo and the end-to-end tests. It answers under ANY path prefix (it is reached in path mode as
 * {@code /s/{sid}/{app}/...}) by the last path segment:
 * <ul>
 *   <li>{@code .../} an HTML page saying hello, with a WebSocket echo widget connecting to {@code <prefix>ws};
 *   <li>{@code .../ws} WebSocket echo of text and binary messages (subprotocols {@code echo.v1}, {@code chat.v2});
 *   <li>{@code .../sse?n=N} N Server-Sent Events; when built with {@code pacedSse}, event k+1 waits for
 *       {@link #releaseSseEvent()};
 *   <li>{@code .../download?bytes=N} N bytes of the pattern {@link #patternByte(long)}, with Content-Length;
 *   <li>{@code .../upload} (POST) streams the body and answers {@code {"bytes":N,"sha256":"hex"}}.
 * </ul>
 * Thread-safe. Blocking work runs on Undertow's worker threads.
 */
public final class SampleApp implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(SampleApp.class);
    public static final Set<String> SUBPROTOCOLS = Set.of("echo.v1", "chat.v2");

    private final Undertow server;
    private final boolean pacedSse;
    private final Semaphore sseEvents = new Semaphore(0);

    private SampleApp(String host, int port, boolean pacedSse) {
        this.pacedSse = pacedSse;
        this.server = Undertow.builder()
                .addHttpListener(port, host)
                // The upload test sends 100 MB; Undertow caps bodies at 2 MiB by default.
                .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setHandler(this::route)
                .build();
    }

    /** Starts the app on {@code host:port} (port 0: any free port). */
    public static SampleApp start(String host, int port) {
        return start(host, port, false);
    }

    /** Starts the app; with {@code pacedSse}, each SSE event after the first waits for {@link #releaseSseEvent()}. */
    public static SampleApp start(String host, int port, boolean pacedSse) {
        requireNonNull(host, "host");
        SampleApp app = new SampleApp(host, port, pacedSse);
        app.server.start();
        logger.info("sample app listening on {}", app.address());
        return app;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** Lets one more paced SSE event go. */
    public void releaseSseEvent() {
        sseEvents.release();
    }

    /** The byte at {@code offset} of every download: a pattern a client can check without storing it. */
    public static byte patternByte(long offset) {
        return (byte) (offset % PATTERN_PERIOD);
    }

    private static final int PATTERN_PERIOD = 251;
    /** 256 periods of the pattern (about 64 KiB); read-only after class init. */
    private static final byte[] PATTERN_CHUNK = new byte[PATTERN_PERIOD * 256];

    static {
        for (int i = 0; i < PATTERN_CHUNK.length; i++) {
            PATTERN_CHUNK[i] = patternByte(i);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    private final HttpHandler webSocket = new WebSocketProtocolHandshakeHandler(
            List.of(new Hybi13Handshake(SUBPROTOCOLS, false)), echo());
    private final HttpHandler sse = new BlockingHandler(this::sse);
    private final HttpHandler download = new BlockingHandler(SampleApp::download);
    private final HttpHandler upload = new BlockingHandler(SampleApp::upload);

    private void route(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        if (path.endsWith("/ws")) {
            webSocket.handleRequest(exchange);
        } else if (path.endsWith("/sse")) {
            sse.handleRequest(exchange);
        } else if (path.endsWith("/download")) {
            download.handleRequest(exchange);
        } else if (path.endsWith("/upload") && exchange.getRequestMethod().equals(Methods.POST)) {
            upload.handleRequest(exchange);
        } else if (path.endsWith("/")) {
            page(exchange, path);
        } else {
            exchange.setStatusCode(404);
            exchange.getResponseSender().send("not found\n");
        }
    }

    private static void page(HttpServerExchange exchange, String prefix) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        String escaped = prefix.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
        exchange.getResponseSender().send("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Portcullis sample app</title>
                <style>body{font:16px system-ui,sans-serif;margin:2rem;max-width:40rem}#log{white-space:pre-wrap;
                background:#f3f3f3;padding:.5rem;min-height:4rem}</style></head>
                <body data-prefix="%s"><h1>Hello from the sample app</h1>
                <p>You reached it through Portcullis. WebSocket echo:</p>
                <form id="f"><input id="m" value="hello" aria-label="message"> <button>Send</button></form>
                <div id="log" aria-live="polite"></div>
                <script>
                const prefix = document.body.dataset.prefix;
                const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + prefix + 'ws');
                const log = t => document.getElementById('log').textContent += t + '\\n';
                ws.onopen = () => log('connected'); ws.onclose = () => log('closed');
                ws.onmessage = e => log('echo: ' + e.data);
                document.getElementById('f').onsubmit = e => { e.preventDefault(); ws.send(document.getElementById('m').value); };
                </script></body></html>
                """.formatted(escaped));
    }

    private static WebSocketConnectionCallback echo() {
        return (exchange, channel) -> {
            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                    WebSockets.sendText(message.getData(), ch, null);
                }

                @Override
                protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                    var data = message.getData();
                    WebSockets.sendBinary(data.getResource(), ch, new io.undertow.websockets.core.WebSocketCallback<Void>() {
                        @Override
                        public void complete(WebSocketChannel c, Void context) {
                            data.free();
                        }

                        @Override
                        public void onError(WebSocketChannel c, Void context, Throwable throwable) {
                            data.free();
                        }
                    });
                }
            });
            channel.resumeReceives();
        };
    }

    private void sse(HttpServerExchange exchange) throws IOException, InterruptedException {
        int n = intParam(exchange, "n", 3);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        OutputStream out = exchange.getOutputStream();
        for (int i = 1; i <= n; i++) {
            if (i > 1 && pacedSse && !sseEvents.tryAcquire(30, TimeUnit.SECONDS)) {
                break;
            }
            out.write(("id: " + i + "\ndata: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.close();
    }

    private static void download(HttpServerExchange exchange) throws IOException {
        long total = Long.parseLong(param(exchange, "bytes", "0"));
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, Long.toString(total));
        OutputStream out = exchange.getOutputStream();
        long offset = 0;
        while (offset < total) {
            // Every chunk starts at a multiple of the pattern period, so one precomputed chunk serves them all
            // (computing the pattern per byte made the app, not the proxy, the bottleneck of throughput tests).
            int len = (int) Math.min(PATTERN_CHUNK.length, total - offset);
            out.write(PATTERN_CHUNK, 0, len);
            offset += len;
        }
        out.close();
    }

    private static void upload(HttpServerExchange exchange) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long count = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = exchange.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                count += n;
            }
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send("{\"bytes\":" + count + ",\"sha256\":\"" + HexFormat.of().formatHex(sha.digest()) + "\"}");
    }

    private static String param(HttpServerExchange exchange, String name, String fallback) {
        var values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.getFirst();
    }

    private static int intParam(HttpServerExchange exchange, String name, int fallback) {
        try {
            return Integer.parseInt(param(exchange, name, Integer.toString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
