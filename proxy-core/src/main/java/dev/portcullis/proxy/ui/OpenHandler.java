package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.OpenTickets;
import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.internal.Exchanges;
import dev.portcullis.proxy.internal.LaunchHandler;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /.portcullis/open} (form: {@code session}, {@code app}, {@code csrf}), the dashboard's Open button.
 * Requires the dashboard cookie, a same-origin request ({@link SameOrigin}) and the cookie's CSRF token (else 401 /
 * 403), then checks in the registry that the cookie's user owns the session and it has the app (else the gate's 404,
 * the same for unknown and not-yours). Path mode: sets the app cookie, as a launch would, and 303s to the app.
 * Subdomain mode: the app cookie must be set by the app's own host, so it 303s there with a one-time
 * {@link OpenTickets ticket} ({@code /.portcullis/enter?ticket=}; see {@link EnterHandler}).
 *
 * <p>Immutable and thread-safe. Checks run on a worker thread (the registry may block).
 */
final class OpenHandler implements HttpHandler {
    private static final Logger logger = LoggerFactory.getLogger(OpenHandler.class);

    private final SessionRegistry registry;
    private final SignedInUser users;
    private final OpenTickets tickets;
    private final LaunchHandler launch;
    private final SessionRouter router;
    private final ErrorPages errorPages;

    OpenHandler(SessionRegistry registry, SignedInUser users, OpenTickets tickets, LaunchHandler launch,
            SessionRouter router, ErrorPages errorPages) {
        this.registry = requireNonNull(registry, "registry");
        this.users = requireNonNull(users, "users");
        this.tickets = requireNonNull(tickets, "tickets");
        this.launch = requireNonNull(launch, "launch");
        this.router = requireNonNull(router, "router");
        this.errorPages = requireNonNull(errorPages, "errorPages");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "open is POST only");
            return;
        }
        Optional<UserCookies.UserClaims> user = users.of(exchange);
        if (user.isEmpty()) {
            errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "open without a valid dashboard cookie");
            return;
        }
        String crossSite = SameOrigin.problem(exchange);
        if (crossSite != null) {
            errorPages.send(exchange, ProxyError.FORBIDDEN, "open refused: " + crossSite);
            return;
        }
        FormBody.read(exchange, fields -> open(exchange, user.get(), fields),
                (ex, reason) -> errorPages.send(ex, ProxyError.BAD_REQUEST, "open: " + reason));
    }

    private void open(HttpServerExchange exchange, UserCookies.UserClaims user, Map<String, String> fields) {
        if (!users.isCsrfToken(user, fields.get("csrf"))) {
            errorPages.send(exchange, ProxyError.FORBIDDEN, "open refused: missing or wrong CSRF token");
            return;
        }
        SessionId sid = SessionId.parseOrNull(fields.get("session"));
        String app = fields.get("app");
        if (sid == null || !AppSpec.isValidName(app)) {
            errorPages.send(exchange, ProxyError.BAD_REQUEST, "open: field 'session' or 'app' missing or malformed");
            return;
        }
        try {
            // A revoked user, session or dashboard cookie must not buy a fresh app cookie here (SECURITY row 22).
            if (registry.revocations().find(user.id(), user.subject(), sid, user.issuedAt()).isPresent()) {
                errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "open: the dashboard cookie was revoked");
                return;
            }
            SessionRecord session = registry.session(sid).orElse(null);
            if (session == null || !session.owner().equals(user.subject()) || session.app(app).isEmpty()) {
                errorPages.send(exchange, ProxyError.NOT_FOUND, "open: unknown session/app or another owner");
                return;
            }
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        String id = ErrorPages.requestId(exchange);
        Optional<String> appHost = router.appHost(sid, app);
        if (appHost.isPresent()) {
            String ticket = tickets.issue(user.subject(), sid, app);
            logger.info("{} open: session {} app {} ticket issued", id, sid, app);
            Redirects.seeOther(exchange, exchange.getRequestScheme() + "://" + appHost.get()
                    + Exchanges.hostPortSuffix(exchange) + PortalHandler.ENTER_PATH + "?ticket="
                    + URLEncoder.encode(ticket, StandardCharsets.US_ASCII));
            return;
        }
        String path = launch.setAppCookie(exchange, user.subject(), sid, app);
        logger.info("{} open: session {} app {} cookie issued", id, sid, app);
        Redirects.seeOther(exchange, path);
    }
}
