package dev.portcullis.proxy.forward;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.route.Route;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionRecord;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * What the gate decided for an admitted request, attached to the exchange for the forwarders: the route, the
 * session and app as the registry holds them, and whether the credential was the proxy's cookie.
 */
public record Admission(Route route, SessionRecord session, AppSpec app, boolean byCookie) {
    static final AttachmentKey<Admission> KEY = AttachmentKey.create(Admission.class);

    public Admission {
        requireNonNull(route, "route");
        requireNonNull(session, "session");
        requireNonNull(app, "app");
    }

    /** Attaches this admission to {@code exchange}. */
    public void attachTo(HttpServerExchange exchange) {
        exchange.putAttachment(KEY, this);
    }

    /** The admission attached by the gate, if the gate admitted the request. */
    public static java.util.Optional<Admission> find(HttpServerExchange exchange) {
        return java.util.Optional.ofNullable(exchange.getAttachment(KEY));
    }

    /** The admission attached by the gate; throws if the gate did not admit the request (a wiring bug). */
    public static Admission of(HttpServerExchange exchange) {
        Admission a = exchange.getAttachment(KEY);
        if (a == null) {
            throw new IllegalStateException("request reached a forwarder without passing the gate");
        }
        return a;
    }
}
