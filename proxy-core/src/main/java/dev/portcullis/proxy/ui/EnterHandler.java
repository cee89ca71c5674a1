package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.OpenTickets;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.internal.Exchanges;
import dev.portcullis.proxy.internal.LaunchHandler;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /.portcullis/enter?ticket=} on an app's own host (subdomain mode): swaps a one-time ticket from
 * {@link OpenHandler} for that host's app cookie and 303s to {@code /}. The ticket must name this very host, its id is
 * claimed once in the registry (replay: 401), and the registry must still say its user owns the session (else 404).
 *
 * <p>Immutable and thread-safe. Worker thread (the registry may block).
 */
final class EnterHandler implements HttpHandler {
    private static final Logger logger = LoggerFactory.getLogger(EnterHandler.class);

    private final SessionRegistry registry;
    private final OpenTickets tickets;
    private final LaunchHandler launch;
    private final SessionRouter router;
    private final ErrorPages errorPages;
    private final Clock clock;

    EnterHandler(SessionRegistry registry, OpenTickets tickets, LaunchHandler launch, SessionRouter router,
            ErrorPages errorPages, Clock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.tickets = requireNonNull(tickets, "tickets");
        this.launch = requireNonNull(launch, "launch");
        this.router = requireNonNull(router, "router");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!Requests.getOnWorker(this, exchange, errorPages, "enter")) {
            return;
        }
        String value = Requests.onlyParameter(exchange, "ticket");
        Optional<OpenTickets.Ticket> ticket = value == null ? Optional.empty() : tickets.verify(value);
        if (ticket.isEmpty()) {
            errorPages.send(exchange, ProxyError.UNAUTHORIZED, "enter without a valid ticket");
            return;
        }
        SessionId sid = new SessionId(ticket.get().sessionId());
        String app = ticket.get().app();
        if (!router.isAppHost(Exchanges.hostName(exchange), sid, app)) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "ticket for another host");
            return;
        }
        try {
            // A ticket from before a revocation of its user or session buys no fresh app cookie.
            if (registry.revocations().find(null, ticket.get().subject(), sid, ticket.get().issuedAt()).isPresent()) {
                errorPages.send(exchange, ProxyError.UNAUTHORIZED, "enter: ticket revoked");
                return;
            }
            if (!SingleUse.claim(registry, "ticket:" + ticket.get().id(), ticket.get().expiresAt(), clock)) {
                errorPages.send(exchange, ProxyError.UNAUTHORIZED, "ticket replayed");
                return;
            }
            SessionRecord session = registry.session(sid).orElse(null);
            if (session == null || !session.owner().equals(ticket.get().subject()) || session.app(app).isEmpty()) {
                errorPages.send(exchange, ProxyError.NOT_FOUND, "enter: unknown session/app or another owner");
                return;
            }
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        String path = launch.setAppCookie(exchange, ticket.get().subject(), sid, app);
        logger.info("{} enter: session {} app {} cookie issued", ErrorPages.requestId(exchange), sid, app);
        Redirects.seeOther(exchange, path);
    }
}
