package dev.portcullis.proxy.ui;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Deque;

/** Checks the GET endpoints of the pages share. Stateless. */
final class Requests {
    private Requests() {}

    /**
     * For a GET endpoint that needs a worker thread: on the I/O thread, dispatches {@code handler} and returns false;
     * for another method, answers 405 and returns false; else true (on a worker thread, GET).
     */
    static boolean getOnWorker(HttpHandler handler, HttpServerExchange exchange, ErrorPages errorPages, String what) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(handler);
            return false;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, what + " is GET only");
            return false;
        }
        return true;
    }

    /** The query parameter {@code name} if it is given exactly once, else null. */
    static String onlyParameter(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.size() != 1 ? null : values.getFirst();
    }
}
