package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.AppProbe;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The proxy's own pages inside an app's space, after the gate (so they need exactly the app's credential, and in path
 * mode the app cookie, whose Path is the app's prefix, reaches them): {@code <app base>.portcullis/terminal}, the
 * terminal page, and {@code <app base>.portcullis/status}, the readiness JSON the terminal and starting pages poll.
 * The app base is {@code /s/{sid}/{app}/} in path mode and {@code /} on the app's host in subdomain mode. Anything
 * else under {@code <app base>.portcullis/} is 404 and never reaches the app; every other request goes to {@code next}.
 *
 * <p>I/O thread. Immutable and thread-safe.
 */
public final class AppPagesHandler implements HttpHandler {
    /** The reserved segment at the start of an app's path space. */
    public static final String MARKER = ".portcullis/";
    private static final String TERMINAL_RESOURCE = "portcullis-ui/terminal.html";
    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    /** xterm.js (DOM renderer) sets element styles and a style element; scripts only from our origin. */
    private static final String TERMINAL_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private final byte[] terminalPage;
    private final AppProbe probe;
    private final ErrorPages errorPages;
    private final HttpHandler next;

    public AppPagesHandler(AppProbe probe, ErrorPages errorPages, HttpHandler next) {
        this.probe = requireNonNull(probe, "probe");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.next = requireNonNull(next, "next");
        try (InputStream in = AppPagesHandler.class.getClassLoader().getResourceAsStream(TERMINAL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TERMINAL_RESOURCE + " is not on the classpath (is ui-static a dependency?)");
            }
            this.terminalPage = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + TERMINAL_RESOURCE, e);
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Admission admission = Admission.of(exchange);
        String prefix = admission.route().prefix();
        String path = admission.route().pathForApp();
        if (!path.startsWith(prefix + MARKER)) {
            next.handleRequest(exchange);
            return;
        }
        String page = path.substring(prefix.length() + MARKER.length());
        boolean get = exchange.getRequestMethod().equals(Methods.GET);
        if (!page.equals("terminal") && !page.equals("status") || exchange.getRequestHeaders().contains(Headers.UPGRADE)) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no such proxy page in the app's space");
        } else if (!get) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "proxy pages are GET only");
        } else if (page.equals("terminal")) {
            terminal(exchange);
        } else {
            status(exchange, admission);
        }
    }

    private void terminal(HttpServerExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        headers.put(Headers.CONTENT_SECURITY_POLICY, TERMINAL_CSP);
        headers.put(Headers.CACHE_CONTROL, "no-store");
        headers.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        headers.put(Headers.X_FRAME_OPTIONS, "DENY");
        headers.put(REFERRER_POLICY, "no-referrer");
        exchange.getResponseSender().send(ByteBuffer.wrap(terminalPage));
    }

    /** Answers once the probe does; the exchange stays open meanwhile (no thread waits). */
    private void status(HttpServerExchange exchange, Admission admission) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> probe
                .probe(admission, exchange.getRequestScheme(), host == null ? "" : host)
                .whenComplete((state, failure) -> exchange.getIoThread().execute(() ->
                        sendStatus(exchange, failure == null ? state : AppProbe.State.STARTING))));
    }

    private static void sendStatus(HttpServerExchange exchange, AppProbe.State state) {
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, "application/json");
        headers.put(Headers.CACHE_CONTROL, "no-store");
        headers.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (state == AppProbe.State.READY) {
            exchange.setStatusCode(StatusCodes.OK);
        } else {
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            headers.put(RETRY_AFTER, state == AppProbe.State.AGENT_OFFLINE ? "5" : "2");
        }
        exchange.getResponseSender().send("{\"state\":\"" + state.json() + "\"}");
    }
}
