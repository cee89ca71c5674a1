package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The web origins ({@code scheme://host[:port]}, RFC 6454) configured as allowed for cookie-authenticated
 * cross-origin requests, in a normalised form (lower case, default port dropped), and the helpers that normalise an
 * {@code Origin} header the same way. Immutable and thread-safe.
 */
public final class Origins {
    private static final Pattern ORIGIN = Pattern.compile("(https?)://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?");

    private final Set<String> origins;

    private Origins(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** Validates and normalises {@code origins}; throws IllegalArgumentException naming the first bad one. */
    public static Origins of(List<String> origins) {
        Set<String> out = new HashSet<>();
        for (String o : requireNonNull(origins, "origins")) {
            String n = normalize(o);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("allowedOrigins: \"" + o + "\" (expected: scheme://host[:port], e.g. https://hub.example.com)");
            }
            out.add(n);
        }
        return new Origins(out);
    }

    /** Whether the {@code Origin} header value {@code origin} is one of these. */
    public boolean contains(String origin) {
        String n = normalize(origin);
        return !n.isEmpty() && origins.contains(n);
    }

    /** The normal form of an origin, or "" if it is not a tuple origin ({@code null}, a path, a bad port...). */
    static String normalize(String origin) {
        var m = ORIGIN.matcher(origin.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return "";
        }
        String scheme = m.group(1);
        String port = m.group(3);
        if (port != null) {
            int p = Integer.parseInt(port);
            if (p > 65535) {
                return "";
            }
            port = p == (scheme.equals("https") ? 443 : 80) ? null : Integer.toString(p);
        }
        return scheme + "://" + m.group(2) + (port == null ? "" : ":" + port);
    }

    /** The request's own origin from its scheme and (already validated) Host header, normalised. */
    static String own(String scheme, String host) {
        return host == null ? "" : normalize(scheme + "://" + host);
    }

    /** A header value safe for a log line: printable ASCII, at most 100 characters. */
    static String forLog(String value) {
        String v = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return "'" + v.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
