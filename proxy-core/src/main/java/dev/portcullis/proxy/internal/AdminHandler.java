package dev.portcullis.proxy.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/** The admin listener (loopback by default): {@code GET /healthz} -> 200 {"status":"ok"}; anything else 404. */
public final class AdminHandler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.getRequestMethod().equals(Methods.GET) && exchange.getRequestPath().equals("/healthz")) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send("{\"status\":\"ok\"}");
        } else {
            exchange.setStatusCode(404);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send("{\"error\":\"not-found\"}");
        }
    }
}
