package dev.portcullis.proxy.error;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a {@link ProxyError} to the user: the HTML page of ui-static ({@code portcullis-ui/error.html}) when the
 * request's Accept header includes {@code text/html}, else a JSON body {@code {"error":code,"message":...}}. Also
 * owns the per-request id that every log line of a request starts with.
 *
 * <p>Thread-safe and immutable. {@link #send} must run on the exchange's I/O thread or inside a handler call, before
 * the response has started.
 */
public final class ErrorPages {
    private static final Logger logger = LoggerFactory.getLogger(ErrorPages.class);
    private static final String TEMPLATE_RESOURCE = "portcullis-ui/error.html";
    private static final AttachmentKey<String> REQUEST_ID = AttachmentKey.create(String.class);
    private static final AttachmentKey<Boolean> NO_DASHBOARD = AttachmentKey.create(Boolean.class);
    /** The pages' CSP: the shared stylesheet and logo from our own origin, nothing else, never framed. */
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");

    private final String template;
    /** Null: every error is the plain page. */
    private final StartingPage startingPage;

    private ErrorPages(String template, StartingPage startingPage) {
        this.template = template;
        this.startingPage = startingPage;
    }

    /** These pages, but browsers navigating to an app that does not answer yet get {@code startingPage}. */
    public ErrorPages withStartingPage(StartingPage startingPage) {
        return new ErrorPages(template, requireNonNull(startingPage, "startingPage"));
    }

    /** Loads the HTML template from the classpath (ui-static). */
    public static ErrorPages load() {
        try (InputStream in = ErrorPages.class.getClassLoader().getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE_RESOURCE + " is not on the classpath (is ui-static a dependency?)");
            }
            return new ErrorPages(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + TEMPLATE_RESOURCE, e);
        }
    }

    /** The id of this request for log lines ({@code r-} + 8 hex digits), assigned on first use. */
    public static String requestId(HttpServerExchange exchange) {
        String id = exchange.getAttachment(REQUEST_ID);
        if (id == null) {
            // Per request: eight hex digits without a Formatter (String.format cost 2% of the I/O thread's time).
            String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt());
            id = "r-" + "00000000".substring(hex.length()) + hex;
            exchange.putAttachment(REQUEST_ID, id);
        }
        return id;
    }

    /**
     * The request's error pages offer no link to the dashboard: it is addressed to an app's own host (subdomain
     * mode; the dashboard lives on the proxy's host) or to the admin listener.
     */
    public static void hideDashboardLink(HttpServerExchange exchange) {
        exchange.putAttachment(NO_DASHBOARD, Boolean.TRUE);
    }

    /**
     * Logs one line ({@code reason} must hold no token or cookie) and answers the user with {@code error}, then ends
     * the exchange. If the response has already started, closes the connection instead: a started response must never
     * look complete.
     */
    public void send(HttpServerExchange exchange, ProxyError error, String reason) {
        requireNonNull(exchange, "exchange");
        requireNonNull(error, "error");
        String id = requestId(exchange);
        logger.atLevel(error.logLevel()).log("{} {} {} -> {} {}: {}",
                id, exchange.getRequestMethod(), safePath(exchange), error.status(), error.code(), reason);
        if (exchange.isResponseStarted()) {
            closeConnection(exchange);
            return;
        }
        exchange.setStatusCode(error.status());
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CACHE_CONTROL, "no-store");
        headers.put(REFERRER_POLICY, "no-referrer");
        headers.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (startingPage != null && startingPage.applies(exchange, error)) {
            startingPage.send(exchange, error, id);
            return;
        }
        String body;
        if (wantsHtml(exchange)) {
            headers.put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            headers.put(Headers.CONTENT_SECURITY_POLICY, CSP);
            headers.put(Headers.X_FRAME_OPTIONS, "DENY");
            body = html(error, id, exchange.getAttachment(NO_DASHBOARD) == null);
        } else {
            headers.put(Headers.CONTENT_TYPE, "application/json");
            body = json(error);
        }
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    /** Drops the client connection at once (no terminating chunk): the way a cut-short response must end. */
    public static void closeConnection(HttpServerExchange exchange) {
        try {
            exchange.getConnection().close();
        } catch (IOException e) {
            logger.debug("{} closing the client connection: {}", requestId(exchange), e.toString());
        }
    }

    static boolean wantsHtml(HttpServerExchange exchange) {
        for (String accept : exchange.getRequestHeaders().eachValue(Headers.ACCEPT)) {
            if (accept.toLowerCase(java.util.Locale.ROOT).contains("text/html")) {
                return true;
            }
        }
        return false;
    }

    String html(ProxyError error, String requestId) {
        return html(error, requestId, true);
    }

    /** The page; {@code dashboardLink}: whether to offer the way back to the dashboard (not on app hosts). */
    String html(ProxyError error, String requestId, boolean dashboardLink) {
        return template.replace("{{actions}}", actions(error, dashboardLink))
                .replace("{{status}}", Integer.toString(error.status()))
                .replace("{{title}}", escapeHtml(error.title()))
                .replace("{{message}}", escapeHtml(error.userMessage()))
                .replace("{{code}}", escapeHtml(error.code()))
                .replace("{{requestId}}", escapeHtml(requestId));
    }

    /**
     * What the user can do next: reload after a server-side failure, else go back to the dashboard (not when the
     * dashboard itself asks to sign in: that link would lead back here).
     */
    private static String actions(ProxyError error, boolean dashboardLink) {
        StringBuilder b = new StringBuilder("<div class=\"actions\">");
        if (error.status() >= 500) {
            b.append("<a class=\"button\" id=\"error-retry\" href=\"\">Try again</a>");
        }
        if (dashboardLink && error != ProxyError.SIGN_IN_REQUIRED) {
            b.append("<a class=\"button").append(error.status() >= 500 ? " secondary" : "")
                    .append("\" id=\"error-dashboard\" href=\"/.portcullis/\">Go to your sessions</a>");
        }
        return b.append("</div>").toString();
    }

    static String json(ProxyError error) {
        return "{\"error\":\"" + escapeJson(error.code()) + "\",\"message\":\"" + escapeJson(error.userMessage()) + "\"}";
    }

    /** The request path for a log line: no query (it may carry a token), control characters replaced, truncated. */
    static String safePath(HttpServerExchange exchange) {
        String path = exchange.getRequestURI();
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        return path.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** Escapes {@code < > & " '} for HTML text and attribute values. */
    public static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeJson(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
