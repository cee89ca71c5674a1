package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Serves ui-static files under a URL prefix (e.g. {@code /.portcullis/ui/}): GET and HEAD only, names checked by
 * {@link UiResources} (no traversal, no directory listing, known content types only) and by {@code allowed}, with
 * {@code Cache-Control}, a strong ETag (304 on {@code If-None-Match}) and {@code nosniff}. A file already in memory is
 * sent from the I/O thread; the first request for a file reads it on a worker thread.
 *
 * <p>Immutable and thread-safe.
 */
public final class StaticHandler implements HttpHandler {
    /** Assets change only with a release: browsers may reuse them for a while, then revalidate by ETag. */
    static final String CACHE_CONTROL = "public, max-age=600";
    /** SVGs may carry inline styles; nothing served here may run scripts or be framed into a page of its own. */
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

    private final String prefix;
    private final String directory;
    private final UiResources resources;
    private final Predicate<String> allowed;
    private final ErrorPages errorPages;

    /**
     * @param prefix the URL path prefix, ending with '/'
     * @param directory where {@code prefix} points under {@link UiResources#ROOT}: "" or a path ending with '/'
     * @param allowed which names (relative to {@code prefix}) this mount serves
     */
    public StaticHandler(String prefix, String directory, UiResources resources, Predicate<String> allowed,
            ErrorPages errorPages) {
        this.prefix = requireNonNull(prefix, "prefix");
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: /.../)");
        }
        this.directory = requireNonNull(directory, "directory");
        if (!directory.isEmpty() && !UiResources.isServableName(directory + "x.css")) {
            throw new IllegalArgumentException("directory: " + directory + " (expected: \"\" or name/)");
        }
        this.resources = requireNonNull(resources, "resources");
        this.allowed = requireNonNull(allowed, "allowed");
        this.errorPages = requireNonNull(errorPages, "errorPages");
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
        if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "static files are GET/HEAD only");
            return;
        }
        String path = exchange.getRequestPath();
        String name = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
        if (!UiResources.isServableName(name) || !allowed.test(name)) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no such static file");
            return;
        }
        name = directory + name;
        Optional<UiResources.Resource> cached = resources.cached(name);
        if (cached.isPresent()) {
            send(exchange, cached.get(), head);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        Optional<UiResources.Resource> found = resources.find(name);
        if (found.isEmpty()) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no such static file");
            return;
        }
        send(exchange, found.get(), head);
    }

    private static void send(HttpServerExchange exchange, UiResources.Resource r, boolean head) {
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, r.contentType());
        headers.put(Headers.CACHE_CONTROL, CACHE_CONTROL);
        headers.put(Headers.ETAG, r.etag());
        headers.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        headers.put(Headers.CONTENT_SECURITY_POLICY, CSP);
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(r.etag()) || ifNoneMatch.trim().equals("*"))) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        headers.put(Headers.CONTENT_LENGTH, r.bytes().length);
        if (head) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(r.bytes()));
        }
    }
}
