package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code GET /.portcullis/ui/<name>} on any host, no credential: the terminal's and the starting page's scripts and
 * styles, and xterm.js (ui-static copies it from its WebJar to {@code portcullis-ui/vendor/xterm/}). A fixed list,
 * read into memory once at startup, so serving never blocks the I/O thread and no name can reach anything else.
 *
 * <p>Immutable and thread-safe.
 */
public final class UiAssets implements HttpHandler {
    public static final String PREFIX = "/.portcullis/ui/";
    private static final String ROOT = "portcullis-ui/";
    private static final Map<String, String> TYPES = Map.of(
            "terminal.js", "text/javascript; charset=utf-8",
            "terminal.css", "text/css; charset=utf-8",
            "starting.js", "text/javascript; charset=utf-8",
            "starting.css", "text/css; charset=utf-8",
            "vendor/xterm/xterm.js", "text/javascript; charset=utf-8",
            "vendor/xterm/xterm.css", "text/css; charset=utf-8",
            "vendor/xterm/xterm-addon-fit.js", "text/javascript; charset=utf-8");

    private record Asset(byte[] bytes, String type, String etag) {}

    private final Map<String, Asset> assets;
    private final ErrorPages errorPages;

    private UiAssets(Map<String, Asset> assets, ErrorPages errorPages) {
        this.assets = assets;
        this.errorPages = errorPages;
    }

    /** Reads every asset from the classpath; fails naming the first one missing. */
    public static UiAssets load(ErrorPages errorPages) {
        requireNonNull(errorPages, "errorPages");
        Map<String, Asset> loaded = new java.util.HashMap<>();
        TYPES.forEach((name, type) -> {
            try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException(ROOT + name + " is not on the classpath (is ui-static built?)");
                }
                byte[] bytes = in.readAllBytes();
                loaded.put(name, new Asset(bytes, type, etag(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + ROOT + name, e);
            }
        });
        return new UiAssets(Map.copyOf(loaded), errorPages);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
        if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "assets are GET/HEAD only");
            return;
        }
        String path = exchange.getRelativePath();
        Asset asset = path.startsWith(PREFIX) ? assets.get(path.substring(PREFIX.length())) : null;
        if (asset == null) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no such asset");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, asset.type());
        headers.put(Headers.CACHE_CONTROL, "public, max-age=600");
        headers.put(Headers.ETAG, asset.etag());
        headers.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        headers.put(Headers.CONTENT_LENGTH, asset.bytes().length);
        if (head) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(asset.bytes()));
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
