package dev.portcullis.proxy.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Whether a state-changing request to the proxy's own pages comes from one of its own pages (SECURITY.md row 6).
 * {@code Sec-Fetch-Site}, which page scripts cannot set, decides when it is sent: it must be {@code same-origin} (not
 * {@code same-site}: in subdomain mode every app host may be same-site with the dashboard). Browsers without it must
 * send an {@code Origin} equal to this request's own origin. A request with neither is refused: every browser that can
 * hold the dashboard cookie sends at least one on a POST. ({@code Origin} alone cannot decide: a page served with
 * {@code Referrer-Policy: no-referrer} makes Chromium send {@code Origin: null} on its own form posts.)
 * Stateless; CPU only.
 */
final class SameOrigin {
    private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");

    private SameOrigin() {}

    /** Null if the request is same-origin, else why not (safe to log: fixed words, no header values). */
    static String problem(HttpServerExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (site == null && origin == null) {
            return "neither Sec-Fetch-Site nor Origin";
        }
        if (site != null) {
            return site.equals("same-origin") ? null : "Sec-Fetch-Site is not same-origin";
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null || !origin.equalsIgnoreCase(exchange.getRequestScheme() + "://" + host)) {
            return "Origin is not this origin";
        }
        return null;
    }
}
