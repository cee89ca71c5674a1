package dev.portcullis.proxy.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;

/** 303 See Other from the proxy's pages: never cached, and no Referer sent onward (the URL may carry a ticket). */
final class Redirects {
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");

    private Redirects() {}

    static void seeOther(HttpServerExchange exchange, String location) {
        exchange.setStatusCode(StatusCodes.SEE_OTHER);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(REFERRER_POLICY, "no-referrer");
        exchange.endExchange();
    }
}
