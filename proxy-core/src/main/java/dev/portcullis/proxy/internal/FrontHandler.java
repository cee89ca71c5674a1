package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.route.PathNormalizer;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.proxy.route.SessionRouter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * The first handler of the public listener (I/O thread, cheap checks only): one well-formed Host, no header names
 * with '_' (SECURITY row 10), the raw request-target normalised ONCE (rows 7-8), then the launch endpoint, the proxy's
 * own pages ({@code /.portcullis/...}, never forwarded to an app), or routing to a session app (attached for the
 * gate), a 301 to the slash form, or 404. In subdomain mode the app-space pages ({@link AppPagesHandler}) at
 * {@code /.portcullis/terminal} and {@code /.portcullis/status} on an app's host are the app's, behind the gate.
 *
 * <p>Immutable and thread-safe.
 */
public final class FrontHandler implements HttpHandler {
    /** The launch endpoint's path, on any host. */
    public static final String LAUNCH_PATH = "/.portcullis/launch";

    private final SessionRouter router;
    private final ErrorPages errorPages;
    /** The prefix of the proxy's own pages (dashboard, assets, login); see {@code ui.PortalHandler}. */
    public static final String PAGES_PREFIX = "/.portcullis/";

    private final HttpHandler launch;
    private final HttpHandler pages;
    private final HttpHandler gate;

    public FrontHandler(SessionRouter router, ErrorPages errorPages, HttpHandler launch, HttpHandler pages, HttpHandler gate) {
        this.router = requireNonNull(router, "router");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.launch = requireNonNull(launch, "launch");
        this.pages = requireNonNull(pages, "pages");
        this.gate = requireNonNull(gate, "gate");
    }

    /**
     * Whether {@code host} is a Host value this proxy accepts: a name of 1 to 253 characters (a letter or digit, then
     * letters, digits, '.' and '-') or a bracketed IP literal of 2 to 45 hex digits, ':' and '.', then an optional
     * ':' and 1 to 5 digits. A hand-written scan: the regex it replaced cost about 1% of the proxy's CPU per request.
     */
    static boolean wellFormedHost(String host) {
        int n = host.length();
        if (n == 0) {
            return false;
        }
        int i;
        if (host.charAt(0) == '[') {
            i = 1;
            while (i < n && isIpLiteralChar(host.charAt(i))) {
                i++;
            }
            int literal = i - 1;
            if (i == n || host.charAt(i) != ']' || literal < 2 || literal > 45) {
                return false;
            }
            i++;
        } else {
            if (!isLetterOrDigit(host.charAt(0))) {
                return false;
            }
            i = 1;
            while (i < n && (isLetterOrDigit(host.charAt(i)) || host.charAt(i) == '.' || host.charAt(i) == '-')) {
                i++;
            }
            if (i > 253) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        int digits = n - i - 1;
        if (host.charAt(i) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int j = i + 1; j < n; j++) {
            if (host.charAt(j) < '0' || host.charAt(j) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isIpLiteralChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderValues hosts = exchange.getRequestHeaders().get(Headers.HOST);
        if (hosts == null || hosts.size() != 1 || !wellFormedHost(hosts.getFirst())) {
            errorPages.send(exchange, ProxyError.BAD_REQUEST, "missing, duplicate or malformed Host");
            return;
        }
        for (HeaderValues h : exchange.getRequestHeaders()) {
            if (h.getHeaderName().toString().indexOf('_') >= 0) {
                errorPages.send(exchange, ProxyError.BAD_REQUEST, "header name with '_'");
                return;
            }
        }
        String path;
        try {
            path = PathNormalizer.normalize(exchange.getRequestURI());
            PathNormalizer.checkQuery(exchange.getQueryString());
        } catch (PathNormalizer.BadPathException e) {
            errorPages.send(exchange, ProxyError.BAD_REQUEST, e.getMessage());
            return;
        }
        if (path.equals(LAUNCH_PATH)) {
            launch.handleRequest(exchange);
            return;
        }
        if ((path.startsWith(PAGES_PREFIX) || path.equals("/.portcullis")) && !appSpacePage(exchange, path)) {
            if (!path.startsWith(PAGES_PREFIX)) {
                exchange.setStatusCode(StatusCodes.MOVED_PERMANENTLY);
                exchange.getResponseHeaders().put(Headers.LOCATION, PAGES_PREFIX);
                exchange.endExchange();
                return;
            }
            // The pages route on the normalised path, never on the raw one.
            exchange.setRequestPath(path);
            exchange.setRelativePath(path);
            pages.handleRequest(exchange);
            return;
        }
        SessionRouter.Result result = router.route(Exchanges.hostName(exchange), path);
        if (result instanceof SessionRouter.Routed routed) {
            if (routed.route().mode() == Route.Mode.SUBDOMAIN) {
                ErrorPages.hideDashboardLink(exchange);
            }
            exchange.putAttachment(Exchanges.ROUTE, routed.route());
            gate.handleRequest(exchange);
        } else if (result instanceof SessionRouter.Redirect redirect) {
            String query = exchange.getQueryString();
            exchange.setStatusCode(StatusCodes.MOVED_PERMANENTLY);
            exchange.getResponseHeaders().put(Headers.LOCATION, redirect.location() + (query.isEmpty() ? "" : "?" + query));
            exchange.endExchange();
        } else {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no session route");
        }
    }

    /** Whether {@code path} is a page in an app's own space on that app's host (subdomain mode), served after the gate. */
    private boolean appSpacePage(HttpServerExchange exchange, String path) {
        if (!path.equals("/" + AppPagesHandler.MARKER + "terminal") && !path.equals("/" + AppPagesHandler.MARKER + "status")) {
            return false;
        }
        return router.route(Exchanges.hostName(exchange), path) instanceof SessionRouter.Routed routed
                && routed.route().mode() == Route.Mode.SUBDOMAIN;
    }
}
