package dev.portcullis.proxy.route;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalises a raw request path ONCE, so that routing, authorisation and forwarding all use the same string
 * (SECURITY rows 7-8): RFC 3986 §6.2.2 (percent-decode unreserved characters, upper-case the hex of the rest),
 * §5.2.4 (remove dot segments), and merged slashes. Rejects, rather than repairs, what has no safe meaning: encoded
 * '/', '\', '#', NUL or other control characters, raw '\', spaces or non-ASCII, malformed escapes, {@code ..;}-style
 * segments, a '..' above the root, and a '..' that leaves a {@code /s/{session}/{app}/} prefix it started in.
 *
 * <p>Stateless and thread-safe.
 */
public final class PathNormalizer {

    private PathNormalizer() {}

    /** The raw path (no query) could not be normalised safely; the request gets a 400. */
    public static final class BadPathException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPathException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Returns the normalised path of {@code rawPath}, which must be origin-form (start with '/'). */
    public static String normalize(String rawPath) throws BadPathException {
        requireNonNull(rawPath, "rawPath");
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new BadPathException("request-target is not origin-form");
        }
        String decoded = decodeUnreserved(rawPath);
        List<String> out = new ArrayList<>();
        String[] segments = decoded.split("/", -1);
        boolean trailingSlash = false;
        // segments[0] is the empty string before the leading '/'
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            boolean last = i == segments.length - 1;
            if (seg.isEmpty()) {
                // merged slash, or the trailing slash
                trailingSlash = last;
                continue;
            }
            if (seg.equals(".")) {
                trailingSlash = last;
                continue;
            }
            if (seg.equals("..")) {
                if (out.isEmpty()) {
                    throw new BadPathException("'..' above the root");
                }
                if (out.get(0).equals("s") && out.size() <= 3) {
                    throw new BadPathException("'..' escapes the session prefix");
                }
                out.remove(out.size() - 1);
                trailingSlash = last;
                continue;
            }
            if (seg.startsWith(".;") || seg.startsWith("..;")) {
                throw new BadPathException("dot segment with parameters");
            }
            out.add(seg);
            trailingSlash = false;
        }
        StringBuilder b = new StringBuilder(decoded.length());
        for (String seg : out) {
            b.append('/').append(seg);
        }
        if (trailingSlash || out.isEmpty()) {
            b.append('/');
        }
        return b.toString();
    }

    /** Validates a raw query string (may be empty) for forwarding as it is. */
    public static void checkQuery(String rawQuery) throws BadPathException {
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw new BadPathException("illegal character in query");
            }
        }
    }

    private static String decodeUnreserved(String raw) throws BadPathException {
        StringBuilder b = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadPathException("control, space or non-ASCII character in path");
            }
            if (c == '\\') {
                throw new BadPathException("backslash in path");
            }
            if (c == '#') {
                throw new BadPathException("'#' in path");
            }
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 2 >= raw.length()) {
                throw new BadPathException("truncated percent-escape");
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new BadPathException("malformed percent-escape");
            }
            int v = hi << 4 | lo;
            if (v < 0x20 || v == 0x7f) {
                throw new BadPathException("encoded control character in path");
            }
            if (v == '/' || v == '\\' || v == '#') {
                throw new BadPathException("encoded '/', '\\' or '#' in path");
            }
            if (isUnreserved(v)) {
                b.append((char) v);
            } else {
                b.append('%').append(Character.toUpperCase(raw.charAt(i + 1))).append(Character.toUpperCase(raw.charAt(i + 2)));
            }
            i += 2;
        }
        return b.toString();
    }

    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
