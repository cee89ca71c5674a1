package dev.portcullis.proxy.error;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * The "starting" page: what a browser navigating to an admitted app gets, instead of a bare 502, while the app does
 * not answer yet ({@link ProxyError#APP_UNREACHABLE}) or the session's agent is not connected
 * ({@link ProxyError#AGENT_OFFLINE}). A 503 with {@code Retry-After}, whose script ({@code /.portcullis/ui/starting.js})
 * polls the app's status endpoint ({@code <app base>.portcullis/status}, behind the same gate) and reloads once the
 * app answers. API clients, upgrades and sub-resources keep the plain error.
 *
 * <p>Immutable and thread-safe.
 */
public final class StartingPage {
    private static final String TEMPLATE_RESOURCE = "portcullis-ui/starting.html";
    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");
    private static final HttpString SEC_FETCH_DEST = new HttpString("Sec-Fetch-Dest");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String template;
    private final Function<HttpServerExchange, Optional<String>> appBase;

    private StartingPage(String template, Function<HttpServerExchange, Optional<String>> appBase) {
        this.template = template;
        this.appBase = appBase;
    }

    /**
     * Loads the template from ui-static.
     *
     * @param appBase the app's base path ({@code /s/{sid}/{app}/} or {@code /}) of an admitted request, empty for a
     *     request the gate has not admitted (which never gets this page: it would leak nothing, but it could not poll)
     */
    public static StartingPage load(Function<HttpServerExchange, Optional<String>> appBase) {
        requireNonNull(appBase, "appBase");
        try (InputStream in = StartingPage.class.getClassLoader().getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE_RESOURCE + " is not on the classpath (is ui-static a dependency?)");
            }
            return new StartingPage(new String(in.readAllBytes(), StandardCharsets.UTF_8), appBase);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + TEMPLATE_RESOURCE, e);
        }
    }

    /** Whether {@code error} on this request gets the starting page: a browser's GET navigation to an admitted app. */
    boolean applies(HttpServerExchange exchange, ProxyError error) {
        if (error != ProxyError.APP_UNREACHABLE && error != ProxyError.AGENT_OFFLINE) {
            return false;
        }
        String dest = exchange.getRequestHeaders().getFirst(SEC_FETCH_DEST);
        return exchange.getRequestMethod().equals(Methods.GET)
                && !exchange.getRequestHeaders().contains(Headers.UPGRADE)
                && !exchange.getRequestHeaders().contains(Headers.SEC_WEB_SOCKET_KEY)
                && (dest == null || dest.equals("document"))
                && ErrorPages.wantsHtml(exchange)
                && appBase.apply(exchange).isPresent();
    }

    /** Sends the page (the caller has logged and set the common headers). */
    void send(HttpServerExchange exchange, ProxyError error, String requestId) {
        String base = appBase.apply(exchange).orElseThrow();
        boolean offline = error == ProxyError.AGENT_OFFLINE;
        exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
        var headers = exchange.getResponseHeaders();
        headers.put(RETRY_AFTER, offline ? "5" : "2");
        headers.put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        headers.put(Headers.CONTENT_SECURITY_POLICY, CSP);
        exchange.getResponseSender().send(html(base, error, requestId), StandardCharsets.UTF_8);
    }

    String html(String base, ProxyError error, String requestId) {
        boolean offline = error == ProxyError.AGENT_OFFLINE;
        String title = offline ? "Waiting for the session's compute node" : "Your app is starting";
        String message = offline
                ? "The compute node running this session is not connected yet. This page checks again by itself and "
                        + "opens the app as soon as it can."
                : "The app in this session is not answering yet. This page checks again by itself and opens the app "
                        + "as soon as it answers.";
        return template.replace("{{statusUrl}}", ErrorPages.escapeHtml(base + ".portcullis/status"))
                .replace("{{title}}", ErrorPages.escapeHtml(title))
                .replace("{{message}}", ErrorPages.escapeHtml(message))
                .replace("{{code}}", ErrorPages.escapeHtml(error.code()))
                .replace("{{requestId}}", ErrorPages.escapeHtml(requestId));
    }
}
