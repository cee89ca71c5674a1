package dev.portcullis.proxy.internal;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bearer token carried in {@code Sec-WebSocket-Protocol} as the subprotocol {@code portcullis.bearer.<token>}, for
 * browser WebSocket clients, which cannot set an Authorization header (as Kubernetes does with
 * {@code base64url.bearer.authorization.k8s.io.<token>}). A JWT is base64url and dots, all token characters (RFC 9110
 * §5.6.2), so it fits a subprotocol name as it is.
 *
 * <p>{@link #take} removes every {@code portcullis.*} entry before anything is forwarded: the app never sees the token,
 * so it can never select (echo) it in its 101. Clients offer it ALONGSIDE the real subprotocols: browsers fail a
 * handshake whose response selects none of the offered ones, so with no real subprotocol left the app's answer decides.
 * Stateless.
 */
final class SubprotocolToken {
    static final String PREFIX = "portcullis.bearer.";
    private static final String OURS = "portcullis.";

    private SubprotocolToken() {}

    /** The token {@link #take} would return, leaving the header as it is. */
    static String peek(HeaderMap headers) {
        HeaderValues values = headers.get(Headers.SEC_WEB_SOCKET_PROTOCOL);
        if (values == null) {
            return null;
        }
        for (String value : values) {
            for (String entry : value.split(",")) {
                String p = entry.trim();
                if (p.startsWith(PREFIX) && p.length() > PREFIX.length()) {
                    return p.substring(PREFIX.length());
                }
            }
        }
        return null;
    }

    /**
     * Returns the token of the first {@code portcullis.bearer.} subprotocol (null if none) and rewrites the header
     * without any {@code portcullis.*} entry (removing it if nothing is left). Call on every request to a session.
     */
    static String take(HeaderMap headers) {
        HeaderValues values = headers.get(Headers.SEC_WEB_SOCKET_PROTOCOL);
        if (values == null) {
            return null;
        }
        String token = null;
        boolean ours = false;
        List<String> kept = new ArrayList<>();
        for (String value : values) {
            for (String entry : value.split(",")) {
                String p = entry.trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.toLowerCase(Locale.ROOT).startsWith(OURS)) {
                    ours = true;
                    if (token == null && p.startsWith(PREFIX) && p.length() > PREFIX.length()) {
                        token = p.substring(PREFIX.length());
                    }
                } else {
                    kept.add(p);
                }
            }
        }
        if (ours) {
            headers.remove(Headers.SEC_WEB_SOCKET_PROTOCOL);
            if (!kept.isEmpty()) {
                headers.put(Headers.SEC_WEB_SOCKET_PROTOCOL, String.join(", ", kept));
            }
        }
        return token;
    }
}
