package dev.portcullis.proxy.internal;

import dev.portcullis.proxy.route.Route;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;

/** Per-exchange values shared by the front's handlers. Stateless. */
public final class Exchanges {
    static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);

    private Exchanges() {}

    /** The Host header's name part, lower-case, without port; empty if absent. */
    public static String hostName(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null) {
            return "";
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return (colon < 0 ? host : host.substring(0, colon)).toLowerCase(java.util.Locale.ROOT);
    }

    /** The Host header's ":port" part including the colon, or "" if none. */
    public static String hostPortSuffix(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null) {
            return "";
        }
        int bracket = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        return colon > bracket ? host.substring(colon) : "";
    }
}
