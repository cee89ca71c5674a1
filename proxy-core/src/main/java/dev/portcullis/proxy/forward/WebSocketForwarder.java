package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Locale;

/**
 * Forwards an admitted WebSocket upgrade (RFC 6455 §4.2.1: GET, {@code Upgrade: websocket}, {@code Connection}
 * containing {@code upgrade}, {@code Sec-WebSocket-Version: 13}, a {@code Sec-WebSocket-Key}; anything else is 400) on
 * a stream opened with {@code portcullis-upgrade: websocket}. If the app answers 101 the client gets a 101 with the
 * app's Sec-WebSocket-Accept/-Protocol/-Extensions and the bytes are piped raw ({@link RawPipe}); any other answer is
 * forwarded as a normal HTTP response.
 *
 * <p>I/O thread. Thread-safe and stateless across exchanges.
 */
public final class WebSocketForwarder implements HttpHandler {
    private final HttpForwarder http;
    private final ErrorPages errorPages;

    public WebSocketForwarder(HttpForwarder http, ErrorPages errorPages) {
        this.http = requireNonNull(http, "http");
        this.errorPages = requireNonNull(errorPages, "errorPages");
    }

    /** Whether the client asks for any upgrade at all (then this forwarder, not the plain one, must handle it). */
    public static boolean isUpgradeRequest(HttpServerExchange exchange) {
        return exchange.getRequestHeaders().contains(Headers.UPGRADE);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.isInIoThread()) {
            exchange.dispatch(exchange.getIoThread(), this);
            return;
        }
        HeaderMap h = exchange.getRequestHeaders();
        String version = h.getFirst(Headers.SEC_WEB_SOCKET_VERSION);
        String key = h.getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (!exchange.getRequestMethod().equals(Methods.GET)
                || !"websocket".equalsIgnoreCase(String.valueOf(h.getFirst(Headers.UPGRADE)).trim())
                || !connectionHasUpgrade(h)
                || !"13".equals(version == null ? null : version.trim())
                || key == null || key.isBlank()) {
            errorPages.send(exchange, ProxyError.BAD_REQUEST, "invalid WebSocket upgrade request");
            return;
        }
        http.forward(exchange, "websocket");
    }

    private static boolean connectionHasUpgrade(HeaderMap h) {
        HeaderValues connection = h.get(Headers.CONNECTION);
        if (connection == null) {
            return false;
        }
        for (String value : connection) {
            for (String token : value.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }
}
