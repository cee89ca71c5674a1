package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;

/**
 * Refuses request framing that two HTTP parsers could read differently (SECURITY row 33), after Undertow's own
 * parser and before anything else looks at the request: only HTTP/1.0 and HTTP/1.1; {@code Transfer-Encoding}
 * exactly {@code chunked}, once, never with {@code Content-Length} and never in HTTP/1.0 (RFC 9112 §6.1); one
 * {@code Content-Length} of digits only. A refusal is a 400 and the connection is closed after it (the bytes after a
 * framing error cannot be trusted to start a request).
 *
 * <p>I/O thread; immutable and thread-safe.
 */
public final class RequestFramingHandler implements HttpHandler {
    private final ErrorPages errorPages;
    private final HttpHandler next;

    public RequestFramingHandler(ErrorPages errorPages, HttpHandler next) {
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String problem = problem(exchange);
        if (problem != null) {
            exchange.setPersistent(false);
            errorPages.send(exchange, ProxyError.BAD_REQUEST, problem);
            return;
        }
        next.handleRequest(exchange);
    }

    /** What is wrong with the request's framing, or null if nothing. */
    static String problem(HttpServerExchange exchange) {
        var protocol = exchange.getProtocol();
        boolean http10 = protocol.equals(Protocols.HTTP_1_0);
        if (!http10 && !protocol.equals(Protocols.HTTP_1_1)) {
            return "unsupported HTTP version";
        }
        HeaderValues te = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
        HeaderValues cl = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
        if (te != null) {
            if (http10) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
            if (te.size() != 1 || !te.getFirst().trim().equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding other than exactly 'chunked'";
            }
            if (cl != null) {
                return "both Transfer-Encoding and Content-Length";
            }
        }
        if (cl != null && (cl.size() != 1 || !isDigits(cl.getFirst()))) {
            return "Content-Length not a single number";
        }
        return null;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
