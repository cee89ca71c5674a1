package dev.portcullis.proxy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.SecretKey;

/** The proxy's own per-app session cookie. Thread-safe. */
public final class AppCookies {
    /** Claims of a valid cookie. */
    public record CookieClaims(String subject, String sessionId, String app, Instant expiresAt) {}

    public AppCookies(SecretKey cookieSecret, Clock clock) {
        throw new UnsupportedOperationException("stub");
    }

    public static SecretKey secret(byte[] configuredOrNull) {
        throw new UnsupportedOperationException("stub");
    }

    public String issue(String subject, String sessionId, String app, Duration ttl) {
        throw new UnsupportedOperationException("stub");
    }

    public Optional<CookieClaims> verify(String value) {
        throw new UnsupportedOperationException("stub");
    }

    public static String cookieName(String sessionId, String app, boolean subdomainMode, boolean secure) {
        throw new UnsupportedOperationException("stub");
    }

    public static boolean isProxyCookie(String name) {
        throw new UnsupportedOperationException("stub");
    }
}
