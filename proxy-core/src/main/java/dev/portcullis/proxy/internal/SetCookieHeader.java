package dev.portcullis.proxy.internal;

import dev.portcullis.proxy.auth.AppCookies;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Writes the proxy's app cookie: {@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} under TLS, scoped to one
 * app by its name and {@code Path} (see {@link AppCookies#cookieName}), {@code Max-Age} until the value expires.
 * Stateless.
 */
final class SetCookieHeader {
    private SetCookieHeader() {}

    static void add(HttpServerExchange exchange, String name, String path, AppCookies.Issued cookie, boolean secure) {
        long maxAge = Math.max(0, cookie.maxAge().toSeconds());
        StringBuilder b = new StringBuilder(name).append('=').append(cookie.value())
                .append("; Path=").append(path)
                .append("; Max-Age=").append(maxAge)
                .append("; HttpOnly; SameSite=Lax");
        if (secure) {
            b.append("; Secure");
        }
        exchange.getResponseHeaders().add(Headers.SET_COOKIE, b.toString());
    }
}
