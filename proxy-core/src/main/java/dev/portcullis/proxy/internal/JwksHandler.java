package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * Serves the proxy's public identity key set at {@link #PATH} (GET or HEAD, exact path), so apps can verify the
 * identity header; everything else goes to {@code next}. Mounted in front of the public listener's front handler and
 * of the admin handler. The document holds public keys only. Immutable and thread-safe; I/O thread (no blocking).
 */
public final class JwksHandler implements HttpHandler {
    public static final String PATH = "/.portcullis/jwks.json";

    private final String jwksJson;
    private final HttpHandler next;

    public JwksHandler(String jwksJson, HttpHandler next) {
        this.jwksJson = requireNonNull(jwksJson, "jwksJson");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        boolean read = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
        if (!read || !PATH.equals(exchange.getRequestPath())) {
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/jwk-set+json");
        // Apps may cache it briefly; a node restarted without a key file gets a new key, so not for long.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=300");
        exchange.getResponseSender().send(jwksJson);
    }
}
