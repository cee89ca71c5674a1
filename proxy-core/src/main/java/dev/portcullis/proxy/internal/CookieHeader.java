package dev.portcullis.proxy.internal;

import dev.portcullis.proxy.auth.AppCookies;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and rewrites the raw {@code Cookie} request header (RFC 6265 §5.4 {@code name=value; name=value}), so that
 * the value the gate checks and the header the app receives come from the same bytes. Stateless.
 */
public final class CookieHeader {
    private CookieHeader() {}

    /** The value of the first cookie named {@code name}, in any Cookie header. */
    public static Optional<String> value(HeaderMap headers, String name) {
        HeaderValues values = headers.get(Headers.COOKIE);
        if (values == null) {
            return Optional.empty();
        }
        for (String header : values) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                    return Optional.of(stripQuotes(p.substring(eq + 1).trim()));
                }
            }
        }
        return Optional.empty();
    }

    /** Removes every proxy cookie ({@link AppCookies#isProxyCookie}); drops the header if nothing is left. */
    static void stripProxyCookies(HeaderMap headers) {
        HeaderValues values = headers.get(Headers.COOKIE);
        if (values == null) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String header : values) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).trim();
                if (!AppCookies.isProxyCookie(name)) {
                    kept.add(p);
                }
            }
        }
        headers.remove(Headers.COOKIE);
        if (!kept.isEmpty()) {
            headers.put(Headers.COOKIE, String.join("; ", kept));
        }
    }

    private static String stripQuotes(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
