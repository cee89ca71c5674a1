package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.error.ErrorPages;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The HTML pages of ui-static that the proxy fills in (dashboard, login interstitial, admin page) and the headers
 * every one of them is sent with. Placeholders are {@code {{name}}}; values are HTML-escaped unless the caller passes
 * a fragment it built with {@link ErrorPages#escapeHtml} itself.
 *
 * <p>Immutable and thread-safe; the templates are read once at construction (blocking: build at start-up).
 */
public final class UiPages {
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    /** Our own stylesheet, logo and scripts; forms post only to us; never framed (clickjacking on Open). */
    private static final String CSP = csp("'self'");

    private final String dashboard;
    private final String login;
    private final String admin;
    private final String dashboardCsp;

    private UiPages(UiResources resources, Optional<String> appsDomain) {
        this.dashboard = resources.require("dashboard.html").text();
        this.login = resources.require("login.html").text();
        this.admin = resources.require("admin/admin.html").text();
        // Subdomain mode: Open answers with a redirect to the app's host, and browsers apply form-action to the
        // redirect too (Chromium blocks it otherwise), so the dashboard's forms may also go to the app hosts.
        this.dashboardCsp = appsDomain.map(d -> csp("'self' *." + d + ":*")).orElse(CSP);
    }

    public static UiPages load(UiResources resources) {
        return load(resources, Optional.empty());
    }

    /** @param appsDomain the apps domain in subdomain mode (the dashboard's Open redirects there), else empty */
    public static UiPages load(UiResources resources, Optional<String> appsDomain) {
        return new UiPages(requireNonNull(resources, "resources"), requireNonNull(appsDomain, "appsDomain"));
    }

    private static String csp(String formAction) {
        return "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
                + "form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'";
    }

    /** The dashboard, with {@code sessionsHtml} already escaped by its builder. */
    String dashboard(String user, String csrf, String sessionsHtml) {
        return dashboard.replace("{{user}}", ErrorPages.escapeHtml(user))
                .replace("{{csrf}}", ErrorPages.escapeHtml(csrf))
                .replace("{{sessions}}", sessionsHtml);
    }

    String login() {
        return login;
    }

    String admin() {
        return admin;
    }

    /** Sends {@code html} as a 200 page with the pages' security headers; never cached (it is per user). */
    static void send(HttpServerExchange exchange, String html) {
        send(exchange, html, "no-referrer");
    }

    /** Like {@link #send(HttpServerExchange, String)} with another {@code Referrer-Policy}. */
    static void send(HttpServerExchange exchange, String html, String referrerPolicy) {
        send(exchange, html, referrerPolicy, CSP);
    }

    /** Sends the dashboard {@code html} like {@link #send}, with a CSP whose form-action allows Open's redirect. */
    void sendDashboard(HttpServerExchange exchange, String html, String referrerPolicy) {
        send(exchange, html, referrerPolicy, dashboardCsp);
    }

    private static void send(HttpServerExchange exchange, String html, String referrerPolicy, String csp) {
        pageHeaders(exchange);
        exchange.getResponseHeaders().put(Headers.CONTENT_SECURITY_POLICY, csp);
        exchange.getResponseHeaders().put(REFERRER_POLICY, referrerPolicy);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseSender().send(html, StandardCharsets.UTF_8);
    }

    /** Cache-Control no-store, Referrer-Policy no-referrer, nosniff, no framing, the pages' CSP. */
    static void pageHeaders(HttpServerExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.put(Headers.CACHE_CONTROL, "no-store");
        h.put(REFERRER_POLICY, "no-referrer");
        h.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        h.put(Headers.X_FRAME_OPTIONS, "DENY");
        h.put(Headers.CONTENT_SECURITY_POLICY, CSP);
    }
}
