package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.undertow.conduits.IdleTimeoutConduit;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.time.Duration;

/**
 * Arms the idle timeout of each public connection on its first request (SECURITY row 35, slow body): no bytes either
 * way for {@code idleTimeout} closes the connection, whatever it is doing (a stalled upload, a silent long poll, an
 * upgraded WebSocket), and the relay then resets its tunnel stream.
 *
 * <p>Why a handler: Undertow 2.4's HTTP/1.1 listener installs an {@link IdleTimeoutConduit} when
 * {@code UndertowOptions.IDLE_TIMEOUT} is set, but never gives it the value (only the HTTP/2 and framed channels call
 * {@code setIdleTimeout}), so the option alone closes nothing; measured in {@code HostileTrafficTest}.
 *
 * <p>I/O thread; immutable and thread-safe.
 */
public final class IdleTimeoutHandler implements HttpHandler {
    private static final AttachmentKey<Boolean> ARMED = AttachmentKey.create(Boolean.class);

    private final long idleMillis;
    private final HttpHandler next;

    public IdleTimeoutHandler(Duration idleTimeout, HttpHandler next) {
        this.idleMillis = requireNonNull(idleTimeout, "idleTimeout").toMillis();
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        var connection = exchange.getConnection();
        if (connection.getAttachment(ARMED) == null) {
            connection.putAttachment(ARMED, Boolean.TRUE);
            if (connection instanceof AbstractServerConnection c && c.getOriginalSinkConduit() instanceof IdleTimeoutConduit idle
                    && idle.getIdleTimeout() <= 0) {
                idle.setIdleTimeout(idleMillis);
            }
        }
        next.handleRequest(exchange);
    }
}
