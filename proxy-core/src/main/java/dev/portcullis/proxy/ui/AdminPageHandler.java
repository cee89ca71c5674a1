package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * The admin page on the admin listener: {@code GET /admin/} (HTML), {@code /admin/admin.js}, and the shared assets
 * under {@code /.portcullis/ui/}; everything else goes to {@code next} (health, the admin API). The page holds no
 * data: its script asks for an admin token, keeps it in sessionStorage and calls the admin API with it. No cookies.
 *
 * <p>Immutable and thread-safe; I/O thread (assets are in memory after the first request).
 */
public final class AdminPageHandler implements HttpHandler {
    public static final String PAGE_PATH = "/admin/";

    private final String page;
    private final StaticHandler script;
    private final StaticHandler assets;
    private final ErrorPages errorPages;
    private final HttpHandler next;

    public AdminPageHandler(UiResources resources, ErrorPages errorPages, HttpHandler next) {
        this.page = UiPages.load(requireNonNull(resources, "resources")).admin();
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.script = new StaticHandler(PAGE_PATH, "admin/", resources, name -> name.equals("admin.js"), errorPages);
        this.assets = PortalHandler.publicAssets(resources, errorPages);
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ErrorPages.hideDashboardLink(exchange);
        String path = exchange.getRequestPath();
        if (path.equals("/admin")) {
            exchange.setStatusCode(StatusCodes.MOVED_PERMANENTLY);
            exchange.getResponseHeaders().put(Headers.LOCATION, PAGE_PATH);
            exchange.endExchange();
        } else if (path.equals(PAGE_PATH)) {
            if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
                errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "the admin page is GET only");
                return;
            }
            UiPages.send(exchange, page);
        } else if (path.equals(PAGE_PATH + "admin.js")) {
            script.handleRequest(exchange);
        } else if (path.startsWith(PortalHandler.UI_PREFIX)) {
            assets.handleRequest(exchange);
        } else {
            next.handleRequest(exchange);
        }
    }
}
