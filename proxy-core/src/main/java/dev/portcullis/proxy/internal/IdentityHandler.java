package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.IdentityAssertions;
import dev.portcullis.proxy.forward.Admission;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Between the gate and the forwarders: removes every client-sent copy of {@link IdentityAssertions#HEADER} (in any
 * case or underscore spelling), then sets the proxy's signed assertion for the admitted user, session and app. A
 * cached assertion is set on the I/O thread; a new one is signed on a worker thread, then the exchange goes back to
 * its I/O thread (signing never runs on an I/O thread).
 *
 * <p>Immutable and thread-safe.
 */
public final class IdentityHandler implements HttpHandler {
    private static final String CANONICAL = IdentityAssertions.HEADER.toLowerCase(Locale.ROOT);
    private static final HttpString NAME = new HttpString(IdentityAssertions.HEADER);

    private final IdentityAssertions identity;
    private final HttpHandler next;

    public IdentityHandler(IdentityAssertions identity, HttpHandler next) {
        this.identity = requireNonNull(identity, "identity");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Admission admission = Admission.of(exchange);
        String subject = admission.session().owner();
        String sid = admission.session().id().value();
        String app = admission.app().name();
        if (exchange.isInIoThread()) {
            String cached = identity.cachedAssertion(subject, sid, app);
            if (cached == null) {
                exchange.dispatch(this);
                return;
            }
            set(exchange.getRequestHeaders(), cached);
            next.handleRequest(exchange);
            return;
        }
        set(exchange.getRequestHeaders(), identity.assertion(subject, sid, app));
        exchange.dispatch(exchange.getIoThread(), next);
    }

    private static void set(HeaderMap headers, String assertion) {
        // Per request: compare lengths first, and allocate only when a client copy is there.
        List<HttpString> forged = null;
        for (HttpString name : headers.getHeaderNames()) {
            if (name.length() == CANONICAL.length()
                    && name.toString().toLowerCase(Locale.ROOT).replace('_', '-').equals(CANONICAL)) {
                if (forged == null) {
                    forged = new ArrayList<>();
                }
                forged.add(name);
            }
        }
        if (forged != null) {
            forged.forEach(headers::remove);
        }
        headers.put(NAME, assertion);
    }
}
