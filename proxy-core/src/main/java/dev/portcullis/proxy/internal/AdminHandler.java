package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.admin.AdminApi;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * The admin listener (loopback by default): {@code GET /healthz} -> 200 {"status":"ok"} without credentials;
 * {@value AdminApi#PREFIX}... to the admin API; anything else 404.
 */
public final class AdminHandler implements HttpHandler {
    private final HttpHandler api;

    public AdminHandler(HttpHandler api) {
        this.api = requireNonNull(api, "api");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestPath().startsWith(AdminApi.PREFIX)) {
            api.handleRequest(exchange);
        } else if (exchange.getRequestMethod().equals(Methods.GET) && exchange.getRequestPath().equals("/healthz")) {
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
