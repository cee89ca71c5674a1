package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.WebSocketForwarder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Set;

/**
 * Cross-site checks for requests the gate admitted BY COOKIE (a browser sends the cookie whichever site started the
 * request; a bearer token is never sent by a browser on its own, so bearer requests pass untouched). Runs after the
 * gate, before forwarding.
 *
 * <ul>
 *   <li>SECURITY row 5 (cross-site WebSocket hijacking): a cookie-authenticated upgrade needs an {@code Origin} that is
 *       allowed; no Origin at all is refused too (clients without one must use a bearer token).
 *   <li>Row 6 (CSRF): a cookie-authenticated non-safe method (anything but GET, HEAD, OPTIONS, TRACE) is refused if its
 *       {@code Origin} is present and not allowed, or if {@code Sec-Fetch-Site} says it came from another site
 *       ({@code cross-site}, {@code same-site}: in subdomain mode other sessions' apps are same-site) and its Origin
 *       is not explicitly configured. Jupyter's own same-origin fetches carry {@code Sec-Fetch-Site: same-origin}
 *       and its Origin, and pass.
 * </ul>
 *
 * <p>"Allowed" means the request's own origin (its scheme and Host: the proxy's public origin in path mode, the
 * app's own host in subdomain mode) or one of the configured {@link Origins}. Refusals are 403 {@code cross-site}.
 *
 * <p>I/O thread; immutable and thread-safe.
 */
public final class CrossSiteHandler implements HttpHandler {
    private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
    private static final Set<HttpString> SAFE_METHODS = Set.of(Methods.GET, Methods.HEAD, Methods.OPTIONS, Methods.TRACE);

    private final Origins allowed;
    private final ErrorPages errorPages;
    private final HttpHandler next;

    public CrossSiteHandler(Origins allowed, ErrorPages errorPages, HttpHandler next) {
        this.allowed = requireNonNull(allowed, "allowed");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String problem = Admission.of(exchange).byCookie() ? problem(exchange) : null;
        if (problem != null) {
            errorPages.send(exchange, ProxyError.CROSS_SITE, problem);
            return;
        }
        next.handleRequest(exchange);
    }

    private String problem(HttpServerExchange exchange) {
        HeaderValues origins = exchange.getRequestHeaders().get(Headers.ORIGIN);
        if (origins != null && origins.size() > 1) {
            return "cookie request with several Origin headers";
        }
        boolean upgrade = WebSocketForwarder.isUpgradeRequest(exchange);
        if (!upgrade && SAFE_METHODS.contains(exchange.getRequestMethod())) {
            return null;
        }
        String origin = origins == null ? null : origins.getFirst();
        String own = Origins.own(exchange.getRequestScheme(), exchange.getRequestHeaders().getFirst(Headers.HOST));
        String normalized = origin == null ? "" : Origins.normalize(origin);
        // An opaque or malformed Origin ("null", a path...) normalises to "" and is never allowed.
        boolean originAllowed = !normalized.isEmpty() && (normalized.equals(own) || allowed.contains(origin));
        if (upgrade) {
            if (origin == null) {
                return "cookie-authenticated upgrade without Origin (use a bearer token)";
            }
            return originAllowed ? null : "cookie-authenticated upgrade from a foreign Origin " + Origins.forLog(origin);
        }
        if (origin != null && !originAllowed) {
            return "cookie-authenticated " + exchange.getRequestMethod() + " from a foreign Origin " + Origins.forLog(origin);
        }
        String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
        if (site != null && !site.equals("same-origin") && !site.equals("none") && !(origin != null && allowed.contains(origin))) {
            return "cookie-authenticated " + exchange.getRequestMethod() + " with Sec-Fetch-Site " + Origins.forLog(site);
        }
        return null;
    }
}
