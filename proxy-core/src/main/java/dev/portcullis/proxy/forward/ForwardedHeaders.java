package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Replaces the client's forwarding headers with the proxy's own (SECURITY rows 9-10): every client-sent copy of
 * {@code X-Forwarded-*}, {@code Forwarded}, {@code X-Real-IP}, the URI-override headers ({@code X-Original-URL},
 * {@code X-Rewrite-URL}, {@code X-Forwarded-Uri}) and any {@code portcullis-*} header is removed in every case and
 * underscore spelling, then {@code X-Forwarded-For/-Proto/-Host} are set from what the proxy saw. (Trusting an
 * upstream load balancer's X-Forwarded-For from configured CIDRs is a later issue.)
 *
 * <p>Stateless.
 */
public final class ForwardedHeaders {
    private static final Set<String> OURS = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix",
            "x-forwarded-uri", "x-original-url", "x-rewrite-url", "x-original-uri", "forwarded", "x-real-ip");

    private ForwardedHeaders() {}

    /** Whether a client header named {@code name} must never reach the app as sent. */
    public static boolean isReserved(String name) {
        String n = canonical(name);
        return OURS.contains(n) || n.startsWith("portcullis-");
    }

    /** Removes reserved headers, then sets the proxy's forwarding headers. */
    public static void apply(HeaderMap headers, String clientIp, String proto, String host) {
        requireNonNull(headers, "headers");
        requireNonNull(clientIp, "clientIp");
        requireNonNull(proto, "proto");
        requireNonNull(host, "host");
        List<HttpString> remove = new ArrayList<>();
        for (HttpString name : headers.getHeaderNames()) {
            if (isReserved(name.toString())) {
                remove.add(name);
            }
        }
        remove.forEach(headers::remove);
        headers.put(new HttpString("X-Forwarded-For"), clientIp);
        headers.put(new HttpString("X-Forwarded-Proto"), proto);
        headers.put(new HttpString("X-Forwarded-Host"), host);
    }

    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
