package dev.portcullis.proxy.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenRejectedException;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.internal.GateHandler;
import dev.portcullis.proxy.live.LiveConnection;
import dev.portcullis.proxy.live.LiveConnections;
import dev.portcullis.proxy.live.RevocationEnforcer;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.tunnel.Tunnel;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@value #PREFIX} on the admin listener (routes in docs/ARCHITECTURE.md, "Admin API"). Every
 * request runs on a worker thread (token verification and registry calls block or cost CPU), needs
 * {@code Authorization: Bearer <ADMIN-class token>} (else 401), and answers JSON with {@code Cache-Control: no-store}.
 * Bad bodies are 400 naming the field; unknown routes 404; a registry failure 503. Writes are logged with the admin
 * token's subject, never the token.
 *
 * <p>Immutable and thread-safe.
 */
public final class AdminApi implements HttpHandler {
    public static final String PREFIX = "/admin/api/";
    private static final Logger logger = LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final String SESSIONS = PREFIX + "sessions";

    private final TokenVerifier verifier;
    private final SessionRegistry registry;
    private final LiveConnections live;
    private final Supplier<List<Tunnel>> tunnels;
    private final TunnelsSeen seen;
    private final String nodeId;
    private final Clock clock;
    private final AdminActions actions;
    private final AdminRequests requests;
    private final AdminJson json;

    public AdminApi(TokenVerifier verifier, SessionRegistry registry, LiveConnections live, RevocationEnforcer enforcer,
            Supplier<List<Tunnel>> tunnels, TunnelsSeen seen, String nodeId, Clock clock, Duration revocationTtl) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.registry = requireNonNull(registry, "registry");
        this.live = requireNonNull(live, "live");
        this.tunnels = requireNonNull(tunnels, "tunnels");
        this.seen = requireNonNull(seen, "seen");
        this.nodeId = requireNonNull(nodeId, "nodeId");
        this.clock = requireNonNull(clock, "clock");
        this.actions = new AdminActions(registry, enforcer, clock, revocationTtl);
        ObjectMapper mapper = new ObjectMapper();
        this.requests = new AdminRequests(mapper);
        this.json = new AdminJson(mapper);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        String id = ErrorPages.requestId(exchange);
        String admin;
        try {
            admin = verifier.verify(GateHandler.bearerToken(exchange), TokenClass.ADMIN).subject();
        } catch (TokenRejectedException e) {
            logger.info("{} admin {} {} -> 401: {}", id, exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            send(exchange, 401, json.error("unauthorized", "an admin token is required: Authorization: Bearer <token>"));
            return;
        }
        try {
            route(exchange, id, admin);
        } catch (BadRequest e) {
            logger.info("{} admin {} {} -> 400: {}", id, exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            send(exchange, 400, json.error("bad-request", e.getMessage()));
        } catch (RegistryException e) {
            logger.error("{} admin {} {} -> 503: {}", id, exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            send(exchange, 503, json.error("registry-unavailable", "the registry is unavailable; nothing was changed"
                    + " unless a later GET shows it"));
        } catch (IOException e) {
            logger.debug("{} admin: reading the body failed: {}", id, e.toString());
            ErrorPages.closeConnection(exchange);
        }
    }

    private void route(HttpServerExchange exchange, String id, String admin) throws BadRequest, IOException {
        String path = exchange.getRequestPath();
        HttpString method = exchange.getRequestMethod();
        if (path.equals(SESSIONS)) {
            if (allow(exchange, method, Methods.GET)) {
                send(exchange, 200, json.sessions(registry.sessions()));
            }
        } else if (path.startsWith(SESSIONS + "/")) {
            SessionId sid = AdminRequests.sessionIdFromPath(path.substring(SESSIONS.length() + 1));
            if (method.equals(Methods.PUT)) {
                SessionRecord session = requests.session(sid, body(exchange));
                registry.putSession(session);
                logger.info("{} admin {}: put session {} (owner {}, agent {}, {} apps)", id, admin, sid,
                        session.owner(), session.agentId(), session.apps().size());
                ObjectNode root = json.object();
                root.set("session", json.session(session));
                send(exchange, 200, root);
            } else if (allow(exchange, method, Methods.DELETE, Methods.PUT)) {
                if (!actions.removeSession(sid)) {
                    send(exchange, 404, json.error("not-found", "no session " + sid));
                    return;
                }
                logger.info("{} admin {}: removed session {}", id, admin, sid);
                exchange.setStatusCode(204);
                exchange.endExchange();
            }
        } else if (path.equals(PREFIX + "tunnels")) {
            if (allow(exchange, method, Methods.GET)) {
                send(exchange, 200, json.tunnels(tunnels.get(), nodeId, seen));
            }
        } else if (path.equals(PREFIX + "connections")) {
            if (allow(exchange, method, Methods.GET)) {
                List<LiveConnection> snapshot = live.snapshot();
                send(exchange, 200, json.connections(snapshot));
            }
        } else if (path.equals(PREFIX + "kick")) {
            if (allow(exchange, method, Methods.POST)) {
                RegistryEvent.Kick kick = requests.kick(body(exchange));
                int closed = actions.kick(kick);
                logger.info("{} admin {}: kick {} {}{}: closed {} here", id, admin, AdminRequests.lower(kick.target()),
                        kick.id(), kick.app() == null ? "" : "/" + kick.app(), closed);
                send(exchange, 200, json.object().put("closed", closed));
            }
        } else if (path.equals(PREFIX + "revoke")) {
            if (allow(exchange, method, Methods.POST)) {
                AdminActions.Revoked revoked = actions.revoke(requests.revoke(body(exchange), clock.instant()));
                logger.info("{} admin {}: revoked {}: closed {} here", id, admin, revoked.revocation().describe(),
                        revoked.closed());
                ObjectNode root = json.object();
                root.set("revoked", json.revocation(revoked.revocation()));
                root.put("closed", revoked.closed());
                send(exchange, 200, root);
            }
        } else {
            send(exchange, 404, json.error("not-found", "no such admin API route"));
        }
    }

    /** Whether {@code method} is the first of {@code allowed}; otherwise answers 405 with Allow. */
    private boolean allow(HttpServerExchange exchange, HttpString method, HttpString... allowed) {
        if (method.equals(allowed[0])) {
            return true;
        }
        StringBuilder allow = new StringBuilder();
        for (HttpString m : allowed) {
            allow.append(allow.length() == 0 ? "" : ", ").append(m);
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, allow.toString());
        send(exchange, 405, json.error("method-not-allowed", method + " is not allowed here (allowed: " + allow + ")"));
        return false;
    }

    private JsonNode body(HttpServerExchange exchange) throws BadRequest, IOException {
        exchange.startBlocking();
        byte[] body = exchange.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new BadRequest("body: larger than " + MAX_BODY + " bytes");
        }
        return requests.object(body);
    }

    private static void send(HttpServerExchange exchange, int status, ObjectNode body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body.toString());
    }
}
