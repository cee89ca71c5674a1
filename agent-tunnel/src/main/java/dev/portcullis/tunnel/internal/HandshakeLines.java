package dev.portcullis.tunnel.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The one-line handshake that precedes HTTP/2 on a tunnel (docs/TUNNEL-PROTOCOL.md):
 * <pre>
 * agent -> proxy:  PORTCULLIS/1 SP token LF
 * proxy -> agent:  OK SP tunnel-id LF
 *              or  ERR SP retry-after-seconds SP reason LF      (then the proxy closes)
 * </pre>
 * Lines are US-ASCII, at most {@link #MAX_LINE} bytes including LF.
 */
public final class HandshakeLines {
    public static final int MAX_LINE = 8192;
    public static final String HELLO_PREFIX = "PORTCULLIS/1 ";

    private HandshakeLines() {}

    public static byte[] hello(String token) {
        if (!isPrintableToken(token)) {
            throw new IllegalArgumentException("token: not printable ASCII without spaces");
        }
        return (HELLO_PREFIX + token + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The token of a hello line (LF stripped), or empty if the line is malformed. */
    public static Optional<String> parseHello(String line) {
        String l = stripCr(line);
        if (!l.startsWith(HELLO_PREFIX)) {
            return Optional.empty();
        }
        String token = l.substring(HELLO_PREFIX.length());
        return isPrintableToken(token) ? Optional.of(token) : Optional.empty();
    }

    public static byte[] ok(String tunnelId) {
        return ("OK " + tunnelId + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] err(String reason, Duration retryAfter) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < reason.length() && safe.length() < 200; i++) {
            char c = reason.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return ("ERR " + Math.max(0, retryAfter.toSeconds()) + " " + safe + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static boolean isPrintableToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A parsed proxy reply. */
    public record Reply(boolean ok, String tunnelIdOrReason, Duration retryAfter) {

        /** Parses an {@code OK} or {@code ERR} line; anything else is an error reply with no retry hint. */
        public static Reply parse(String line) {
            String l = stripCr(line);
            if (l.startsWith("OK ") && isPrintableToken(l.substring(3))) {
                return new Reply(true, l.substring(3), Duration.ZERO);
            }
            if (l.startsWith("ERR ")) {
                String rest = l.substring(4);
                int sp = rest.indexOf(' ');
                String secs = sp < 0 ? rest : rest.substring(0, sp);
                String reason = sp < 0 ? "" : rest.substring(sp + 1);
                try {
                    long s = Long.parseLong(secs);
                    return new Reply(false, reason, Duration.ofSeconds(Math.min(Math.max(s, 0), 3600)));
                } catch (NumberFormatException e) {
                    return new Reply(false, rest, Duration.ZERO);
                }
            }
            return new Reply(false, "malformed reply", Duration.ZERO);
        }
    }
}
