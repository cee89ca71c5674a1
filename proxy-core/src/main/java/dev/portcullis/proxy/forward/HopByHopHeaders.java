package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.IdentityAssertions;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes connection-specific ("hop-by-hop") headers from a client's request before the proxy adds its own (SECURITY
 * row 12: a client must not be able to name a proxy-set header in {@code Connection} and have it dropped after the
 * proxy set it). RFC 9110 §7.6.1. {@code Expect} goes too: the proxy answers 100-continue itself.
 *
 * <p>Stateless. Callers own the map and call this from the thread that owns the exchange.
 */
public final class HopByHopHeaders {
    private static final Set<String> FIXED = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade",
            "proxy-authorization", "proxy-authenticate", "trailer", "expect", "http2-settings");

    private HopByHopHeaders() {}

    /** Whether {@code lowerCaseName} is always hop-by-hop. */
    public static boolean isHopByHop(String lowerCaseName) {
        return FIXED.contains(lowerCaseName);
    }

    /** Strips every fixed hop-by-hop header and every header named in {@code Connection}, in place. */
    public static void strip(HeaderMap headers) {
        requireNonNull(headers, "headers");
        List<String> named = new ArrayList<>();
        HeaderValues connection = headers.get("Connection");
        if (connection != null) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String t = token.trim();
                    if (!t.isEmpty()) {
                        named.add(t);
                    }
                }
            }
        }
        for (String name : named) {
            // The identity assertion is set by the proxy (after dropping client copies) before the forwarder strips:
            // a client naming it in Connection must not make the app receive the request without it.
            if (!name.equalsIgnoreCase(IdentityAssertions.HEADER)) {
                headers.remove(name);
            }
        }
        List<HttpString> remove = new ArrayList<>();
        for (HttpString name : headers.getHeaderNames()) {
            if (FIXED.contains(name.toString().toLowerCase(Locale.ROOT))) {
                remove.add(name);
            }
        }
        remove.forEach(headers::remove);
    }
}
