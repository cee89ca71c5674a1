package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.internal.CookieHeader;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Optional;

/**
 * The dashboard cookie as the pages use it: reads the signed-in user from a request, and writes the Set-Cookie of a
 * new sign-in or a sign-out. Path {@link UserCookies#PATH}, HttpOnly, SameSite=Strict, Secure under TLS, no Domain.
 *
 * <p>Immutable and thread-safe; CPU only.
 */
final class SignedInUser {
    private final UserCookies cookies;
    private final boolean secure;
    private final Duration maxAge;

    SignedInUser(UserCookies cookies, boolean secure, Duration maxAge) {
        this.cookies = requireNonNull(cookies, "cookies");
        this.secure = secure;
        this.maxAge = requireNonNull(maxAge, "maxAge");
    }

    /** The user whose valid dashboard cookie the request carries. */
    Optional<UserCookies.UserClaims> of(HttpServerExchange exchange) {
        return CookieHeader.value(exchange.getRequestHeaders(), UserCookies.cookieName(secure)).flatMap(cookies::verify);
    }

    /** Adds the Set-Cookie of a fresh cookie (new id, so a planted cookie is replaced: SECURITY.md row 23). */
    void signIn(HttpServerExchange exchange, String subject) {
        exchange.getResponseHeaders().add(Headers.SET_COOKIE,
                setCookie(secure, cookies.issue(subject, maxAge), maxAge.toSeconds()));
    }

    /** Adds the Set-Cookie that removes the cookie. */
    void signOut(HttpServerExchange exchange) {
        exchange.getResponseHeaders().add(Headers.SET_COOKIE, setCookie(secure, "", 0));
    }

    String csrfToken(UserCookies.UserClaims user) {
        return cookies.csrfToken(user);
    }

    boolean isCsrfToken(UserCookies.UserClaims user, String candidate) {
        return cookies.isCsrfToken(user, candidate);
    }

    /** The Set-Cookie header value of the dashboard cookie. */
    static String setCookie(boolean secure, String value, long maxAgeSeconds) {
        return UserCookies.cookieName(secure) + "=" + value + "; Path=" + UserCookies.PATH + "; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
