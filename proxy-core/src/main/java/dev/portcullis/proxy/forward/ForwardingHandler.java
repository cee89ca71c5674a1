package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Picks the forwarder for an admitted request: upgrades go to {@link WebSocketForwarder}, the rest to
 * {@link HttpForwarder}. I/O thread.
 */
public final class ForwardingHandler implements HttpHandler {
    private final HttpForwarder http;
    private final WebSocketForwarder webSocket;

    public ForwardingHandler(HttpForwarder http, WebSocketForwarder webSocket) {
        this.http = requireNonNull(http, "http");
        this.webSocket = requireNonNull(webSocket, "webSocket");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (WebSocketForwarder.isUpgradeRequest(exchange)) {
            webSocket.handleRequest(exchange);
        } else {
            http.handleRequest(exchange);
        }
    }
}
